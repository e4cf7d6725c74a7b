/// The scheduler's own state: pods to place, and pods no node can take now (retried, oldest
/// first, when capacity changes).
struct SchedulerState: Sendable {
    var unscheduled = KeyQueue()
    var parked = KeyQueue()
}

/// The scheduler: filters nodes a pod may run on, scores the rest, binds the pod to the best.
extension Cluster {
    /// Schedules waiting pods. Consecutive pods of one owner with the same requests are placed
    /// as a batch through a heap of nodes, so a large ReplicaSet costs O(pods · log nodes).
    ///
    /// Scoring, best first: fewest pods of the same owner on the node (spreading), then the
    /// least allocated node (requests over capacity, counting a pod without requests as 100m
    /// CPU and 200Mi as upstream's scorer does), then the node that came first.
    mutating func schedule(_ keys: [String]) {
        // What groups pods: read in place, as copying each pod would cost more than placing it.
        func shape(_ key: String) -> (owner: Int?, cpu: Int64, memory: Int64)? {
            pods.withValue(key) { p in
                p.nodeName == nil && !p.isTerminating ? (p.meta.owner?.uid, p.template.cpuMillis, p.template.memoryBytes) : nil
            } ?? nil
        }
        var i = 0
        var next = keys.first.flatMap(shape)
        while i < keys.count {
            guard let (owner, cpu, mem) = next else {
                i += 1
                next = i < keys.count ? shape(keys[i]) : nil
                continue
            }
            var j = i + 1
            next = nil
            while j < keys.count {
                next = shape(keys[j])
                guard let s = next, s.owner == owner, s.cpu == cpu, s.memory == mem else { break }
                j += 1
            }
            scheduleGroup(Array(keys[i..<j]), owner: owner, cpu: cpu, memory: mem)
            i = j
        }
    }

    struct Candidate: Comparable {
        var ownerPods: Int
        var allocated: Int64
        /// The node's position in `nodes`.
        var order: Int

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

    // Static: called with a node read out of `self.nodes`, a method on self made a copy of the cluster.
    static func fits(_ node: Node, cpu: Int64, memory: Int64) -> Bool {
        filter(node, cpu: cpu, memory: memory) == nil && node.usage.pods < node.maxPods
            && node.usage.cpuMillis + cpu <= node.cpuMillis && node.usage.memoryBytes + memory <= node.memoryBytes
    }

    mutating func scheduleGroup(_ keys: [String], owner: Int?, cpu: Int64, memory: Int64) {
        let ownerCounts = owner.flatMap { indices.podsPerNodeByOwner[$0] } ?? [:]
        var heap = MinHeap<Candidate>()
        for (order, node) in nodes.values.enumerated() where Self.fits(node, cpu: cpu, memory: memory) {
            heap.push(Candidate(ownerPods: ownerCounts[node.name] ?? 0, allocated: Self.allocated(node, cpu: cpu, memory: memory),
                                order: order))
        }
        for (index, key) in keys.enumerated() {
            var placed = false
            // `order` is the node's position: binding changes no node's place, so the heap's
            // entries read their nodes there instead of looking them up by name.
            while let best = heap.pop() {
                guard Self.fits(nodes.values[best.order], cpu: cpu, memory: memory) else { continue }
                bind(key, toNodeAt: best.order)
                if Self.fits(nodes.values[best.order], cpu: cpu, memory: memory) {
                    heap.push(Candidate(ownerPods: best.ownerPods + 1, allocated: Self.allocated(nodes.values[best.order], cpu: cpu, memory: memory),
                                        order: best.order))
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
            if let reason = Self.filter(node, cpu: cpu, memory: memory) {
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
            record(.warning, "FailedScheduling", "pod", pod.name, .text(message), source: "default-scheduler", namespace: pod.meta.namespace)
            note("scheduler", "no node for \(pod.name): \(message)")
        }
        scheduler.parked.append(key)
    }

    /// Why a node cannot take a pod, in the scheduler's words; nil when it can.
    static func filter(_ node: Node, cpu: Int64, memory: Int64) -> String? {
        if node.unschedulable { return "node(s) were unschedulable" }
        if let t = node.taints.first(where: { $0.effect == .noSchedule || $0.effect == .noExecute }) {
            return "node(s) had untolerated taint {\(t.key): \(t.value)}"
        }
        if !node.isReady { return "node(s) were not ready" }
        return nil
    }

    /// Binds in place: the pod and the node are changed where they are stored, not copied out
    /// and written back (a pod copy is a dozen reference counts, and there are 150,000 of them).
    mutating func bind(_ key: String, toNodeAt n: Int) {
        let nodeName = nodes.values[n].name, now = self.now
        // The address is taken from a copy of the node's bitmap (32 bytes), kept if the pod exists.
        var hosts = nodes.values[n].usedHosts
        let ip = nodes.values[n].podIP(hosts.takeLowest(from: 2, through: 254))
        guard let pod = pods.modify(key, { pod in
            pod.nodeName = nodeName
            pod.podIP = ip
            pod.unschedulableMessage = nil
            pod.startTime = now
            pod.containerStatuses = pod.template.containers.map {
                ContainerStatus(name: $0.name, image: $0.image, state: .waiting(reason: "ContainerCreating", message: ""),
                                ready: false, restartCount: 0)
            }
            return (name: pod.name, namespace: pod.meta.namespace, uid: pod.meta.uid, owner: pod.meta.owner?.uid, template: pod.template,
                    labels: pod.meta.labels)
        }) else { return }
        nodes.values[n].usedHosts = hosts
        nodes.values[n].usage.add(pod.template)
        if let owner = pod.owner { indices.podsPerNodeByOwner[owner, default: [:]][nodeName, default: 0] += 1 }
        indices.podsByNode[nodeName, default: []].append(key)
        record("Scheduled", "pod", pod.name, .scheduled(node: nodeName), source: "default-scheduler", namespace: pod.namespace)
        note("scheduler", "assigned \(pod.name) to \(nodeName)")
        emit(.podBound(PodBinding(key: key, uid: pod.uid, name: pod.name, namespace: pod.namespace, labels: pod.labels,
                                  template: pod.template, node: nodeName, nodeAt: n)))
    }

    /// What the scheduler hears: new pods to place, and room made for the waiting ones.
    @inline(__always) mutating func schedulerObserve(_ event: WatchEvent) {
        switch event {
        case .podCreated(let key): scheduler.unscheduled.append(key)
        case .podTerminating(let key):
            // Only a pod without a node waits in these queues.
            scheduler.unscheduled.remove(key)
            scheduler.parked.remove(key)
        case .capacityFreed, .nodeRecovered: unpark()
        default: break
        }
    }

    /// Pods waiting for room go back to the scheduler, oldest first: the scheduling queue
    /// orders pods by priority, then by when they were first queued
    /// (pkg/scheduler/framework/plugins/queuesort/priority_sort.go, Less), and k8sim's pods
    /// are queued in the order they are made.
    mutating func unpark() {
        guard !scheduler.parked.isEmpty else { return }
        for key in oldestFirst(scheduler.parked) { scheduler.unscheduled.append(key) }
        scheduler.parked.removeAll()
    }
}

/// A binary min-heap.
struct MinHeap<Element: Comparable>: Sendable where Element: Sendable {
    private var items: [Element] = []

    var isEmpty: Bool { items.isEmpty }
    var first: Element? { items.first }

    /// Removes one element equal to `e` (O(n): for rare cancellations).
    mutating func remove(_ e: Element) {
        guard let i = items.firstIndex(of: e) else { return }
        let last = items.removeLast()
        guard i < items.count else { return }
        items[i] = last
        siftDown(i)
        siftUp(i)
    }

    mutating func push(_ e: Element) {
        items.append(e)
        siftUp(items.count - 1)
    }

    mutating func pop() -> Element? {
        guard !items.isEmpty else { return nil }
        let top = items[0]
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            siftDown(0)
        }
        return top
    }

    private mutating func siftUp(_ index: Int) {
        var i = index
        while i > 0 {
            let parent = (i - 1) / 2
            guard items[i] < items[parent] else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var i = index
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
}
