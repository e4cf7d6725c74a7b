/// A stretch of time as k8sim writes it in its own words (messages, the prompt's clock, the
/// formatter): `1h30m`, `5m51s`, `45s`, `500ms`, `0s`. kubectl's columns use kubectl's own
/// AGE format instead (the interpreter's `HumanDuration`).
public enum DurationText {
    /// Hours, minutes, seconds and (unless `milliseconds` is false) milliseconds, leaving out
    /// the units that are zero.
    public static func format(_ ms: Int64, milliseconds: Bool = true) -> String {
        var rest = max(0, ms)
        let h = rest / 3_600_000; rest %= 3_600_000
        let m = rest / 60_000; rest %= 60_000
        let s = rest / 1000; rest %= 1000
        var out = ""
        if h > 0 { out += "\(h)h" }
        if m > 0 { out += "\(m)m" }
        if s > 0 { out += "\(s)s" }
        if milliseconds && rest > 0 { out += "\(rest)ms" }
        return out.isEmpty ? "0s" : out
    }
}
