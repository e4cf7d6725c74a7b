import K8simNotation
import OrderedCollections

/// The node lifecycle controller's own state: each failed node's pending timers (the grace
/// period, then the eviction), cancelled when it recovers.
struct NodeLifecycleState: Sendable {
    var graceTimers: [String: UInt64] = [:]
    var evictionTimers: [String: UInt64] = [:]
}

/// Nodes: adding and removing them, failures and recovery (the node lifecycle controller
/// and taint-based eviction), cordon and drain.
extension Cluster {
    public mutating func addNode(name: String, cpuMillis: Int64 = 4000, memoryBytes: Int64 = 8 << 30,
                                 labels: OrderedDictionary<String, String> = [:]) throws(ClusterError) {
        guard nodes[name] == nil else { throw .alreadyExists("nodes", name) }
        guard cpuMillis > 0, memoryBytes > 0 else { throw .invalid("Node", name, field: "status.capacity", "cpu and memory must be positive") }
        guard nodes.count < Limits.nodes else { throw .refused("a cluster has at most \(Limits.nodes) nodes") }
        nodeCount += 1
        var meta = newMeta(name: name, namespace: "")
        meta.labels = ["kubernetes.io/hostname": name, "kubernetes.io/os": "linux"]
        for (k, v) in labels { meta.labels[k] = v }
        let ready = Condition(type: "Ready", status: .isTrue, reason: "KubeletReady", message: "kubelet is posting ready status",
                              lastTransitionTime: now, lastUpdateTime: now)
        nodes[name] = Node(meta: meta, cpuMillis: cpuMillis, memoryBytes: memoryBytes, ready: ready,
                           internalIP: Self.nodeAddress(nodeCount), podCIDRPrefix: Self.podCIDR(nodeCount), lastHeartbeat: now)
        record("RegisteredNode", "node", name, "Node \(name) event: Registered Node \(name) in Controller",
               source: "node-controller", namespace: "")
        note("node-controller", "node \(name) registered")
        emit(.capacityFreed)
    }

    /// The n-th node's address: 10.0.0.11, 10.0.0.12, ... (then 10.0.1.10, ... past 240 nodes).
    static func nodeAddress(_ n: Int) -> String {
        n <= 240 ? "10.0.0.\(10 + n)" : "10.0.\(n / 240).\(10 + n % 240)"
    }

    /// The n-th node's pod network: 10.1.n.0/24 for the first 250 (microk8s' 10.1.0.0/16), then
    /// 10.2.x.0/24 and on.
    static func podCIDR(_ n: Int) -> String {
        "10.\(1 + (n - 1) / 250).\((n - 1) % 250 + 1)"
    }

    public mutating func removeNode(_ name: String) throws(ClusterError) {
        guard nodes[name] != nil else { throw .notFound("nodes", name) }
        nodes.removeValue(forKey: name)
        // The pods bound there are gone with it; their owners replace them elsewhere.
        for key in podKeys(on: name) { removePod(key) }
        indices.podsByNode[name] = nil
        nodeLifecycle.graceTimers[name] = nil
        nodeLifecycle.evictionTimers[name] = nil
        record("RemovingNode", "node", name, "Node \(name) event: Removing Node \(name) from Controller",
               source: "node-controller", namespace: "")
    }

    /// The node stops answering: no more heartbeats. Kubernetes notices after the grace period.
    public mutating func failNode(_ name: String) throws(ClusterError) {
        guard var node = nodes[name] else { throw .notFound("nodes", name) }
        guard node.kubeletUp else { throw .refused("node \(name) has already failed") }
        node.kubeletUp = false
        node.lastHeartbeat = now
        nodes[name] = node
        note("kubelet", "node \(name) stopped posting status")
        emit(.nodeFailed(name: name))
        let timer = clock.schedule(.nodeGraceExpired(node: name, heartbeat: now), after: timings.nodeMonitorGrace)
        nodeLifecycle.graceTimers[name] = timer
    }

    public mutating func recoverNode(_ name: String) throws(ClusterError) {
        guard var node = nodes[name] else { throw .notFound("nodes", name) }
        guard !node.kubeletUp else { throw .refused("node \(name) has not failed") }
        node.kubeletUp = true
        node.lastHeartbeat = now
        for timer in [nodeLifecycle.graceTimers.removeValue(forKey: name), nodeLifecycle.evictionTimers.removeValue(forKey: name)] {
            if let timer { clock.cancel(timer) }
        }
        let wasNotReady = !node.isReady
        node.taints.removeAll { $0.key == Taint.unreachable || $0.key == Taint.notReady }
        if wasNotReady {
            node.ready = Condition(type: "Ready", status: .isTrue, reason: "KubeletReady", message: "kubelet is posting ready status",
                                   lastTransitionTime: now, lastUpdateTime: now)
            record("NodeReady", "node", name, "Node \(name) status is now: NodeReady", source: "kubelet", namespace: "")
        }
        nodes[name] = node
        note("kubelet", "node \(name) is posting status again")
        emit(.nodeRecovered(name: name))
    }

    mutating func nodeGraceExpired(_ name: String, heartbeat: Millis) {
        guard var node = nodes[name], !node.kubeletUp, node.lastHeartbeat == heartbeat else { return }
        nodeLifecycle.graceTimers[name] = nil
        node.ready = Condition(type: "Ready", status: .unknown, reason: "NodeStatusUnknown",
                               message: "Kubelet stopped posting node status.", lastTransitionTime: now, lastUpdateTime: now)
        node.taints.append(Taint(key: Taint.unreachable, effect: .noSchedule, addedAt: now))
        node.taints.append(Taint(key: Taint.unreachable, effect: .noExecute, addedAt: now))
        nodes[name] = node
        record("NodeNotReady", "node", name, "Node \(name) status is now: NodeNotReady", source: "node-controller", namespace: "")
        let grace = DurationText.format(timings.nodeMonitorGrace, milliseconds: false)
        note("node-controller", "node \(name) is NotReady (no heartbeat for \(grace)); tainted \(Taint.unreachable)")
        // The node controller marks its pods not ready, so endpoints stop sending to them.
        for key in podKeys(on: name) {
            guard var pod = pods[key], pod.isReady else { continue }
            pod.readySince = nil
            for i in pod.containerStatuses.indices { pod.containerStatuses[i].ready = false }
            pods[key] = pod
            record(.warning, "NodeNotReady", "pod", pod.name, "Node is not ready", source: "node-controller",
                   namespace: pod.meta.namespace)
            podChanged(pod)
        }
        let timer = clock.schedule(.taintEviction(node: name, taintedAt: now), after: timings.tolerationSeconds)
        nodeLifecycle.evictionTimers[name] = timer
    }

    /// The pods' default 300s toleration of the unreachable taint has run out.
    mutating func evictPods(_ name: String, taintedAt: Millis) {
        guard let node = nodes[name], node.taints.contains(where: { $0.key == Taint.unreachable && $0.effect == .noExecute && $0.addedAt == taintedAt })
        else { return }
        nodeLifecycle.evictionTimers[name] = nil
        for key in podKeys(on: name) {
            guard let pod = pods[key], !pod.isTerminating else { continue }
            record("TaintManagerEviction", "pod", pod.name, "Marking for deletion Pod \(pod.meta.namespace)/\(pod.name)",
                   source: "taint-eviction-controller", namespace: pod.meta.namespace)
            note("taint-eviction-controller", "evicting \(pod.name) from \(name)")
            deletePodGracefully(key)
        }
    }

    public mutating func cordon(_ name: String) throws(ClusterError) {
        guard nodes[name] != nil else { throw .notFound("nodes", name) }
        nodes[name]?.unschedulable = true
        record("NodeNotSchedulable", "node", name, "Node \(name) status is now: NodeNotSchedulable", source: "kubelet", namespace: "")
    }

    public mutating func uncordon(_ name: String) throws(ClusterError) {
        guard nodes[name] != nil else { throw .notFound("nodes", name) }
        nodes[name]?.unschedulable = false
        record("NodeSchedulable", "node", name, "Node \(name) status is now: NodeSchedulable", source: "kubelet", namespace: "")
        emit(.capacityFreed)
    }

    /// Cordons the node and evicts its pods; their owners start replacements elsewhere.
    /// Returns the names of the evicted pods.
    @discardableResult
    public mutating func drain(_ name: String) throws(ClusterError) -> [String] {
        try cordon(name)
        var evicted: [String] = []
        for key in podKeys(on: name) {
            guard let pod = pods[key], !pod.isTerminating else { continue }
            evicted.append(pod.name)
            deletePodGracefully(key)
        }
        return evicted
    }
}
