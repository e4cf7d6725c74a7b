/// The scheduler: filters nodes a pod may run on, scores the rest, binds the pod to the best.
extension Cluster {
    /// Schedules waiting pods. Consecutive pods of one owner with the same requests are placed
    /// as a batch through a heap of nodes, so a large ReplicaSet costs O(pods · log nodes).
    ///
    /// Scoring, best first: fewest pods of the same owner on the node (spreading), then the
    /// least allocated node (requests over capacity, counting a pod without requests as 100m
    /// CPU and 200Mi as upstream's scorer does), then the node that came first.
    mutating func schedule(_ keys: [String]) {
        var i = 0
        while i < keys.count {
            guard let pod = pods[keys[i]], pod.nodeName == nil, !pod.isTerminating else {
                i += 1
                continue
            }
            let owner = pod.meta.owner?.uid
            let cpu = pod.template.cpuMillis, mem = pod.template.memoryBytes
            var j = i + 1
            while j < keys.count, let p = pods[keys[j]], p.meta.owner?.uid == owner,
                  p.template.cpuMillis == cpu, p.template.memoryBytes == mem {
                j += 1
            }
            scheduleGroup(Array(keys[i..<j]), owner: owner, cpu: cpu, memory: mem)
            i = j
        }
    }

    struct Candidate: Comparable {
        var ownerPods: Int
        var allocated: Int64
        var order: Int
        var name: String

        static func < (a: Candidate, b: Candidate) -> Bool {
            (a.ownerPods, a.allocated, a.order) < (b.ownerPods, b.allocated, b.order)
        }
    }

    /// Thousandths of the node taken by requests, after adding one more such pod.
    static func allocated(_ node: Node, cpu: Int64, memory: Int64) -> Int64 {
        let u = node.usage
        let c = (u.scoringCPU + (cpu == 0 ? NodeUsage.defaultScoringCPU : cpu)) * 1000 / max(1, node.cpuMillis)
        let m = (u.scoringMemory + (memory == 0 ? NodeUsage.defaultScoringMemory : memory)) * 1000 / max(1, node.memoryBytes)
        return max(c, m)
    }

    func fits(_ node: Node, cpu: Int64, memory: Int64) -> Bool {
        filter(node, cpu: cpu, memory: memory) == nil && node.usage.pods < node.maxPods
            && node.usage.cpuMillis + cpu <= node.cpuMillis && node.usage.memoryBytes + memory <= node.memoryBytes
    }

    mutating func scheduleGroup(_ keys: [String], owner: Int?, cpu: Int64, memory: Int64) {
        let ownerCounts = owner.flatMap { podsPerNodeByOwner[$0] } ?? [:]
        var heap = MinHeap<Candidate>()
        for (order, node) in nodes.values.enumerated() where fits(node, cpu: cpu, memory: memory) {
            heap.push(Candidate(ownerPods: ownerCounts[node.name] ?? 0, allocated: Self.allocated(node, cpu: cpu, memory: memory),
                                order: order, name: node.name))
        }
        for (index, key) in keys.enumerated() {
            var placed = false
            while let best = heap.pop() {
                guard let node = nodes[best.name], fits(node, cpu: cpu, memory: memory) else { continue }
                bind(key, to: best.name)
                if let after = nodes[best.name], fits(after, cpu: cpu, memory: memory) {
                    heap.push(Candidate(ownerPods: best.ownerPods + 1, allocated: Self.allocated(after, cpu: cpu, memory: memory),
                                        order: best.order, name: best.name))
                }
                placed = true
                break
            }
            if !placed {
                let message = unschedulableMessage(cpu: cpu, memory: memory)
                for rest in keys[index...] { markUnschedulable(rest, message) }
                return
            }
        }
    }

    /// `0/3 nodes are available: ...`, in the scheduler's words, with the count per reason.
    func unschedulableMessage(cpu: Int64, memory: Int64) -> String {
        var reasons: [String: Int] = [:]
        for node in nodes.values {
            if let reason = filter(node, cpu: cpu, memory: memory) {
                reasons[reason, default: 0] += 1
            } else if node.usage.pods >= node.maxPods {
                reasons["Too many pods", default: 0] += 1
            } else if node.usage.cpuMillis + cpu > node.cpuMillis {
                reasons["Insufficient cpu", default: 0] += 1
            } else if node.usage.memoryBytes + memory > node.memoryBytes {
                reasons["Insufficient memory", default: 0] += 1
            }
        }
        let total = nodes.count
        let detail = reasons.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        return "0/\(total) nodes are available: \(detail). preemption: 0/\(total) nodes are available: \(total) Preemption is not helpful for scheduling."
    }

    mutating func markUnschedulable(_ key: String, _ message: String) {
        guard var pod = pods[key], pod.nodeName == nil else { return }
        if pod.unschedulableMessage != message {
            pod.unschedulableMessage = message
            pods[key] = pod
            record(.warning, "FailedScheduling", "pod/\(pod.name)", message, source: "default-scheduler", namespace: pod.meta.namespace)
            note("scheduler", "no node for \(pod.name): \(message)")
        }
        parked.append(key)
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

    /// The lowest free address in the node's /24.
    func allocatePodIP(_ node: inout Node) -> String {
        for host in 2...254 where node.usedHosts[host >> 6] & (1 << UInt64(host & 63)) == 0 {
            node.usedHosts[host >> 6] |= 1 << UInt64(host & 63)
            return "\(node.podCIDRPrefix).\(host)"
        }
        return "\(node.podCIDRPrefix).255"
    }
}

/// A binary min-heap.
struct MinHeap<Element: Comparable> {
    private var items: [Element] = []

    var isEmpty: Bool { items.isEmpty }

    mutating func push(_ e: Element) {
        items.append(e)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard items[i] < items[parent] else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> Element? {
        guard !items.isEmpty else { return nil }
        let top = items[0]
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < items.count && items[l] < items[m] { m = l }
                if r < items.count && items[r] < items[m] { m = r }
                if m == i { break }
                items.swapAt(i, m)
                i = m
            }
        }
        return top
    }
}
