/// A closed set of keywords a statement takes at one place (its options, or a choice such as
/// `set image|clock|seed|trace`): an enum, so a switch over them is exhaustive and a keyword
/// added here without its case does not compile.
public protocol KeywordSet: RawRepresentable, CaseIterable, Hashable, Sendable where RawValue == String {
    /// The keywords, in the order help and completion list them: kept (`allCases.map`), as
    /// the parser matches against them at every statement.
    static var words: [String] { get }
}

extension KeywordSet {
    /// The keyword at a place in `words` (the parser matches words on their bytes and hands
    /// on the place, so no string is compared twice).
    static func keyword(at index: Int) -> Self {
        allCases[allCases.index(allCases.startIndex, offsetBy: index)]
    }
}

public enum ClusterOption: String, KeywordSet {
    case cpu, memory
    public static let words = allCases.map(\.rawValue)
}

public enum NodeOperation: String, KeywordSet {
    case add, remove
    public static let words = allCases.map(\.rawValue)
}

public enum NodeAddOption: String, KeywordSet {
    case cpu, memory, label
    public static let words = allCases.map(\.rawValue)
}

public enum DeployOption: String, KeywordSet {
    case replicas, port, label, env, config, cpu, memory, strategy, surge, unavailable, minready, history, deadline
    public static let words = allCases.map(\.rawValue)
}

public enum SetTarget: String, KeywordSet {
    case image, clock, seed, trace
    public static let words = allCases.map(\.rawValue)
}

public enum Switch: String, KeywordSet {
    case on, off
    public static let words = allCases.map(\.rawValue)
}

public enum ExposeOption: String, KeywordSet {
    case `as`, port, target, clusterip, nodeport, loadbalancer
    public static let words = allCases.map(\.rawValue)
}

public enum CurlOption: String, KeywordSet {
    case from, times
    public static let words = allCases.map(\.rawValue)
}

public enum WaitUntil: String, KeywordSet {
    case rollout, ready
    public static let words = allCases.map(\.rawValue)
}

public enum GetOption: String, KeywordSet {
    case `where`, `in`, wide, yaml, json
    public static let words = allCases.map(\.rawValue)
}

public enum KubectlCreateKind: String, KeywordSet {
    case deployment, configmap
    public static let words = allCases.map(\.rawValue)
}

public enum ResolveOutcome: String, KeywordSet {
    case to, fails
    public static let words = allCases.map(\.rawValue)
}

extension RegistryChange: KeywordSet {
    public static let words = allCases.map(\.rawValue)
}
extension StrategyKind: KeywordSet {
    public static let words = allCases.map(\.rawValue)
}
extension ClockMode: KeywordSet {
    public static let words = allCases.map(\.rawValue)
}
extension RolloutVerb: KeywordSet {
    public static let words = allCases.map(\.rawValue)
}
extension Outcome: KeywordSet {
    public static let words = allCases.map(\.rawValue)
}
