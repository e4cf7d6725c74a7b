/// Quantities as Kubernetes prints them.
public enum Quantities {
    public static func cpu(_ millis: Int64) -> String { millis % 1000 == 0 ? "\(millis / 1000)" : "\(millis)m" }

    public static func memory(_ bytes: Int64) -> String {
        for (suffix, factor) in [("Ti", Int64(1) << 40), ("Gi", Int64(1) << 30), ("Mi", Int64(1) << 20), ("Ki", Int64(1) << 10)] where bytes % factor == 0 {
            return "\(bytes / factor)\(suffix)"
        }
        return "\(bytes)"
    }
}
