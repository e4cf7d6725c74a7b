import K8simCluster

/// What one manifest file may hold.
extension Limits {
    /// The largest manifest `apply` reads.
    public static let manifestBytes = 4 << 20
    /// How deep its YAML may nest.
    public static let yamlDepth = 64
}
