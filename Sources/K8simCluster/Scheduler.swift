/// The scheduler: filters nodes a pod may run on, scores the rest, binds the pod to the best.
extension Cluster {
    mutating func schedule(_ key: String) {
        guard var pod = pods[key], pod.nodeName == nil, !pod.isTerminating else { return }
        var reasons: [String: Int] = [:]
        var best: (name: String, score: Int)?
        let owner = pod.meta.owner?.uid
        // Spreading: how many of this owner's pods each node holds.
        let ownerCounts = owner.flatMap { podsPerNodeByOwner[$0] } ?? [:]
        let maxOwnerCount = ownerCounts.values.max() ?? 0
        let cpu = pod.template.cpuMillis, mem = pod.template.memoryBytes
        for node in nodes.values {
            if let reason = filter(node, cpu: cpu, memory: mem) {
                reasons[reason, default: 0] += 1
                continue
            }
            let u = node.usage
            if u.pods >= node.maxPods { reasons["Too many pods", default: 0] += 1; continue }
            if u.cpuMillis + cpu > node.cpuMillis { reasons["Insufficient cpu", default: 0] += 1; continue }
            if u.memoryBytes + mem > node.memoryBytes { reasons["Insufficient memory", default: 0] += 1; continue }
            // LeastAllocated (0-100) plus spreading of one owner's pods (0-100, weight 2).
            let scoringCPU = u.scoringCPU + (cpu == 0 ? NodeUsage.defaultScoringCPU : cpu)
            let scoringMem = u.scoringMemory + (mem == 0 ? NodeUsage.defaultScoringMemory : mem)
            let cpuFree = max(0, node.cpuMillis - scoringCPU) * 100 / node.cpuMillis
            let memFree = max(0, node.memoryBytes - scoringMem) * 100 / node.memoryBytes
            let least = Int((cpuFree + memFree) / 2)
            let count = ownerCounts[node.name] ?? 0
            let spread = maxOwnerCount == 0 ? 100 : (maxOwnerCount - count) * 100 / maxOwnerCount
            let score = least + 2 * spread
            // Ties go to the node that came first: deterministic.
            if best == nil || score > (best?.score ?? 0) { best = (node.name, score) }
        }
        guard let chosen = best else {
            let total = nodes.count
            let detail = reasons.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            let message = "0/\(total) nodes are available: \(detail). preemption: 0/\(total) nodes are available: \(total) Preemption is not helpful for scheduling."
            if pod.unschedulableMessage != message {
                pod.unschedulableMessage = message
                pods[key] = pod
                record(.warning, "FailedScheduling", "pod/\(pod.name)", message, source: "default-scheduler", namespace: pod.meta.namespace)
                note("scheduler", "no node for \(pod.name): \(message)")
            }
            parked.append(key)
            return
        }
        bind(key, to: chosen.name)
    }

    /// Why a node cannot take a pod, in the scheduler's words; nil when it can.
    func filter(_ node: Node, cpu: Int64, memory: Int64) -> String? {
        if node.unschedulable { return "node(s) were unschedulable" }
        if let t = node.taints.first(where: { $0.effect == .noSchedule || $0.effect == .noExecute }) {
            return "node(s) had untolerated taint {\(t.key): \(t.value)}"
        }
        if !node.isReady { return "node(s) were not ready" }
        return nil
    }

    mutating func bind(_ key: String, to nodeName: String) {
        guard var pod = pods[key], var node = nodes[nodeName] else { return }
        pod.nodeName = nodeName
        pod.unschedulableMessage = nil
        pod.podIP = allocatePodIP(&node)
        node.usage.add(pod.template)
        if let owner = pod.meta.owner { podsPerNodeByOwner[owner.uid, default: [:]][nodeName, default: 0] += 1 }
        pod.startTime = now
        pod.containerStatuses = pod.template.containers.map {
            ContainerStatus(name: $0.name, image: $0.image, state: .waiting(reason: "ContainerCreating", message: ""),
                            ready: false, restartCount: 0)
        }
        nodes[nodeName] = node
        pods[key] = pod
        podsByNode[nodeName, default: []].append(key)
        record("Scheduled", "pod/\(pod.name)", "Successfully assigned \(pod.meta.namespace)/\(pod.name) to \(nodeName)",
               source: "default-scheduler", namespace: pod.meta.namespace)
        note("scheduler", "assigned \(pod.name) to \(nodeName)")
        if node.kubeletUp { startPod(key) }
    }

    /// The next free address in the node's /24 of 10.1.0.0/16.
    func allocatePodIP(_ node: inout Node) -> String {
        var used = Set<String>()
        for k in podsByNode[node.name] ?? [] { if let ip = pods[k]?.podIP { used.insert(ip) } }
        for host in 2...254 {
            let ip = "10.1.\(node.podCIDRIndex).\(host)"
            if !used.contains(ip) { return ip }
        }
        return "10.1.\(node.podCIDRIndex).255"
    }
}
