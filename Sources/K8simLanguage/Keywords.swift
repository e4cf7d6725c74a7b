/// A closed set of keywords a statement takes at one place (its options, or a choice such as
/// `set image|clock|seed|trace`): an enum, so a switch over them is exhaustive and a keyword
/// added here without its case does not compile.
public protocol KeywordSet: RawRepresentable, CaseIterable, Hashable, Sendable where RawValue == String {}

extension KeywordSet {
    /// The keywords, in the order help and completion list them.
    public static var words: [String] { allCases.map(\.rawValue) }

    /// The keyword these bytes spell, and its place among the keywords. The parser matches a
    /// word on its bytes, so no string is built for a word that is a keyword.
    static func match(_ word: UnsafeBufferPointer<UInt8>) -> (index: Int, keyword: Self)? {
        for (index, keyword) in allCases.enumerated() {
            let text = keyword.rawValue.utf8
            if text.count == word.count && text.elementsEqual(word) { return (index, keyword) }
        }
        return nil
    }
}

public enum ClusterOption: String, KeywordSet {
    case cpu, memory
}

public enum NodeOperation: String, KeywordSet {
    case add, remove
}

public enum NodeAddOption: String, KeywordSet {
    case cpu, memory, label
}

public enum DeployOption: String, KeywordSet {
    case replicas, port, label, env, config, cpu, memory, strategy, surge, unavailable, minready, history, deadline
}

public enum SetTarget: String, KeywordSet {
    case image, clock, seed, trace
}

public enum Switch: String, KeywordSet {
    case on, off
}

public enum ExposeOption: String, KeywordSet {
    case `as`, port, target, clusterip, nodeport, loadbalancer
}

public enum CurlOption: String, KeywordSet {
    case from, times
}

public enum WaitUntil: String, KeywordSet {
    case rollout, ready
}

public enum GetOption: String, KeywordSet {
    case `where`, `in`, wide, yaml, json
}

public enum KubectlCreateKind: String, KeywordSet {
    case deployment, configmap
}

public enum ResolveOutcome: String, KeywordSet {
    case to, fails
}

extension RegistryChange: KeywordSet {}
extension StrategyKind: KeywordSet {}
extension ClockMode: KeywordSet {}
extension RolloutVerb: KeywordSet {}
extension Outcome: KeywordSet {}
