import K8simCluster

/// `map`: each node as a box holding its pods, coloured by status when the terminal allows.
struct MapView {
    let cluster: Cluster
    let color: Bool

    func paint(_ text: String, _ status: String) -> String {
        guard color else { return text }
        let code: String
        switch status {
        case "Running", "Ready": code = "32"
        case "Pending", "ContainerCreating", "Terminating": code = "33"
        default: code = "31"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }

    func render() -> String {
        var out = ""
        // One width for every box, so they line up.
        var width = 24
        for node in cluster.nodes.values {
            width = max(width, node.name.count + 24)
            for p in cluster.pods(on: node.name) { width = max(width, p.name.count + p.displayStatus.count + 5) }
        }
        for node in cluster.nodes.values.sorted(by: { $0.name < $1.name }) {
            var status = node.isReady ? "Ready" : "NotReady"
            if node.unschedulable { status += ",SchedulingDisabled" }
            if !node.kubeletUp && node.isReady { status += " (not answering)" }
            let pods = cluster.pods(on: node.name).sorted { $0.name < $1.name }
            let lines = pods.map { ($0.name, $0.displayStatus) }
            let title = " \(node.name) \(status) "
            let inner = max(width, title.count + 2)
            out += "┌─" + paint(title, node.isReady ? "Ready" : "NotReady") + String(repeating: "─", count: max(0, inner - title.count - 1)) + "┐\n"
            if lines.isEmpty { out += "│ " + "(no pods)".padding(inner - 1) + "│\n" }
            for (name, s) in lines {
                let text = "\(name)  \(s)"
                out += "│ " + name + "  " + paint(s, s) + String(repeating: " ", count: max(0, inner - 1 - text.count)) + "│\n"
            }
            out += "└" + String(repeating: "─", count: inner) + "┘\n"
        }
        let pending = cluster.pods.values.filter { $0.nodeName == nil }.sorted { $0.name < $1.name }
        if !pending.isEmpty {
            out += "not scheduled: " + pending.map { "\($0.name) (\($0.displayStatus))" }.joined(separator: ", ") + "\n"
        }
        return out
    }
}

/// `timeline NAME`: a rollout over virtual time: old, new and available pods at each instant
/// something changed, against the maxSurge and maxUnavailable bounds.
struct TimelineView {
    let name: String
    let samples: [TimelineSample]

    func render() -> String {
        guard let last = samples.last else { return "no rollout of \(name) recorded yet\n" }
        let most = last.desired + last.maxSurge
        let least = last.desired - last.maxUnavailable
        var out = "timeline of \(name): replicas \(last.desired), maxSurge \(last.maxSurge), maxUnavailable \(last.maxUnavailable)"
        out += " (at most \(most) pods, at least \(least) available)\n"
        out += "  o old pod   n new pod   * available   | at most \(most) pods\n"
        var t = TabWriter(minWidth: 0, padding: 2)
        t.line(["  TIME", "OLD", "NEW", "AVAILABLE", "PODS"])
        let start = samples.first?.time ?? 0
        for s in samples {
            let total = s.old + s.new
            var bar = String(repeating: "o", count: s.old) + String(repeating: "n", count: s.new)
            bar += String(repeating: " ", count: max(0, s.desired + s.maxSurge - total)) + "|"
            bar += " " + String(repeating: "*", count: s.available)
            if s.old > 0 && s.available < s.desired - s.maxUnavailable { bar += "  (below \(s.desired - s.maxUnavailable) available)" }
            t.line(["  +\(HumanDuration.format(s.time - start))", "\(s.old)", "\(s.new)", "\(s.available)", bar])
        }
        return out + t.render()
    }
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
