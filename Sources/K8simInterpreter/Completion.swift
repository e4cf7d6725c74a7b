import K8simCluster
import K8simLanguage

/// Tab completion that knows the grammar and the cluster: statement names first, then the
/// keywords valid at the cursor, kinds, and the names of deployments, services, pods, nodes.
public enum Completion {
    /// Candidates for the word being typed at the end of `line`, and how many characters of
    /// it are already typed.
    public static func candidates(for line: String, in cluster: Cluster) -> (candidates: [String], replacing: Int) {
        let endsInSpace = line.last == " " || line.isEmpty
        var words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let partial = endsInSpace ? "" : (words.popLast() ?? "")
        let options = choices(after: words, cluster: cluster)
        let matching = Array(Set(options.filter { $0.hasPrefix(partial) })).sorted()
        return (matching, partial.count)
    }

    static func names(_ kind: ResourceKind, _ c: Cluster) -> [String] {
        switch kind {
        case .deployment: return c.deployments.values.map(\.name)
        case .service: return c.services.values.filter { $0.meta.namespace == "default" }.map(\.name)
        case .pod: return c.pods.values.map(\.name)
        case .node: return Array(c.nodes.keys)
        case .configmap: return c.configMaps.values.map(\.name)
        case .replicaset: return c.replicaSets.values.map(\.name)
        case .endpoints: return c.endpointsByService.values.map(\.name)
        case .namespace: return Array(c.namespaces.keys)
        case .event, .all: return []
        }
    }

    static func choices(after words: [String], cluster c: Cluster) -> [String] {
        guard let first = words.first else { return Parser.statementNames }
        let position = words.count  // index of the word being typed
        let previous = words.last ?? ""
        if previous == "from" { return names(.deployment, c) + names(.pod, c) }
        switch first {
        case "scale", "timeline":
            return position == 1 ? names(.deployment, c) : (first == "scale" ? ["to"] : [])
        case "deploy":
            if position == 1 { return names(.deployment, c) }
            if position == 2 { return ["image"] }
            return Parser.Verb.deploy.spec.options
        case "expose":
            return position == 1 ? names(.deployment, c) : Parser.Verb.expose.spec.options
        case "rollout":
            if position == 1 { return RolloutVerb.allCases.map(\.rawValue) }
            if position == 2 { return names(.deployment, c) }
            return words[1] == "undo" ? ["to", "revision"] : (words[1] == "history" ? ["revision"] : [])
        case "set":
            if position == 1 { return ["image", "clock", "seed", "trace"] }
            switch words[1] {
            case "image": return position == 2 ? names(.deployment, c) : []
            case "clock": return ["auto", "manual"]
            case "trace": return ["on", "off"]
            default: return []
            }
        case "get", "describe", "delete", "export":
            if position == 1 { return ResourceKind.allCases.map(\.plural) + ResourceKind.allCases.map(\.singular) }
            if position == 2, let kind = ResourceKind.named(words[1]) { return names(kind, c) + (first == "get" ? Parser.Verb.get.spec.options : []) }
            return first == "get" ? Parser.Verb.get.spec.options : []
        case "fail", "recover", "cordon", "uncordon", "drain":
            return position == 1 ? ["node"] : names(.node, c)
        case "crash":
            return position == 1 ? ["pod"] : names(.pod, c)
        case "node":
            return position == 1 ? ["add", "remove"] : (words[1] == "remove" ? names(.node, c) : Parser.Verb.node.spec.options)
        case "curl":
            if position == 1 {
                let ports = c.services.values.flatMap { s in s.spec.ports.compactMap(\.nodePort) }
                return names(.service, c) + c.nodes.keys.flatMap { n in ports.map { "\(n):\($0)" } }
            }
            return Parser.Verb.curl.spec.options
        case "resolve":
            return position == 1 ? names(.service, c) : ["from"]
        case "wait":
            if position == 1 { return ["until"] }
            if position == 2 { return ["rollout", "ready"] }
            return names(.deployment, c)
        case "enable":
            return position == 1 ? ["metallb"] : []
        case "registry":
            return position == 1 ? ["add", "remove"] : []
        case "help":
            return Parser.statementNames
        case "kubectl":
            if position == 1 { return KubectlVerbs.supported.map { String($0.split(separator: " ")[0]) } }
            if position == 2 && ["get", "describe", "delete"].contains(words[1]) { return ResourceKind.allCases.map(\.plural) }
            if position == 2 && ["scale", "rollout"].contains(words[1]) {
                return words[1] == "rollout" ? RolloutVerb.allCases.map(\.rawValue) : names(.deployment, c).map { "deploy/\($0)" }
            }
            if position == 3 && words[1] == "rollout" { return names(.deployment, c).map { "deploy/\($0)" } }
            if position == 3, let kind = ResourceKind.named(words[2]) { return names(kind, c) }
            return []
        default:
            return []
        }
    }
}
