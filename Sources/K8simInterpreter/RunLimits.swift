import K8simCluster

/// What one run of statements may ask for, beside the cluster's own limits.
extension Limits {
    /// The largest script `run`, `source` or standard input may hand over.
    public static let scriptBytes = 16 << 20
    /// How deep `source` may nest.
    public static let sourceDepth = 16
    /// The most iterations of one `repeat`.
    public static let repeatCount = 100_000
    /// The most requests one `curl ... times N` sends.
    public static let curlTimes = 10_000
}
