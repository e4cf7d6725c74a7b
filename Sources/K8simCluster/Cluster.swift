import K8simNotation
import OrderedCollections

/// How long things take in virtual time. The defaults follow Kubernetes 1.32+ and what the
/// recordings show (a pod Running and Ready about two seconds after it is bound).
public struct Timings: Codable, Hashable, Sendable {
    public var imagePull: Millis = 1000
    public var containerStart: Millis = 1000
    public var termination: Millis = 1000
    public var nodeMonitorGrace: Millis = 50_000
    public var tolerationSeconds: Millis = 300_000
    public var backOffBase: Millis = 10_000
    public var backOffMax: Millis = 300_000
    /// How long MetalLB's speakers take to notice a dead peer (memberlist) and take over.
    public var speakerFailover: Millis = 10_000
    public init() {}
}

public struct ClusterConfig: Hashable, Sendable {
    public var nodes = 3
    public var cpuMillis: Int64 = 4000
    public var memoryBytes: Int64 = 8 << 30
    public var seed: UInt64 = 0
    public var timings = Timings()
    public init(nodes: Int = 3, cpuMillis: Int64 = 4000, memoryBytes: Int64 = 8 << 30, seed: UInt64 = 0) {
        self.nodes = nodes
        self.cpuMillis = cpuMillis
        self.memoryBytes = memoryBytes
        self.seed = seed
    }
}

/// k8sim's limits: well above Kubernetes' own (5,000 nodes, 150,000 pods), so that a script
/// can never exhaust the machine instead of getting a clear error. The cluster's are here; the
/// interpreter and the manifest reader add theirs to the same namespace. docs/LANGUAGE.md lists them.
public enum Limits {
    /// Twice Kubernetes' own 5,000.
    public static let nodes = 10_000
    public static let replicas = 1_000_000
    public static let pods = 2_000_000
    public static let settleSteps = 10_000_000
    /// How much virtual time one settle may take before it gives up.
    public static let settleTime: Millis = 24 * 3_600_000
    /// The longest single `wait`.
    public static let waitTime: Millis = 30 * 24 * 3_600_000
}

/// One step a controller took, for learners who want to watch the machinery (`set trace on`).
public struct TraceStep: Hashable, Sendable {
    public var time: Millis
    public var component: String
    public var message: String
}

/// The in-memory cluster: its objects, its clock, and the controllers that react to change.
/// A value type: copying it copies the whole cluster, so a caller can keep a snapshot.
public struct Cluster: Sendable {
    public internal(set) var clock = VirtualClock()
    public internal(set) var nodes: OrderedDictionary<String, Node> = [:]
    public internal(set) var pods = PodStore()
    public internal(set) var replicaSets: OrderedDictionary<String, ReplicaSet> = [:]
    public internal(set) var deployments: OrderedDictionary<String, Deployment> = [:]
    public internal(set) var namespaces: OrderedDictionary<String, Namespace> = [:]
    public internal(set) var services: OrderedDictionary<String, Service> = [:]
    public internal(set) var endpointsByService: OrderedDictionary<String, Endpoints> = [:]
    public internal(set) var configMaps: OrderedDictionary<String, ConfigMap> = [:]
    public internal(set) var addressPools: [AddressPool] = []
    public internal(set) var events = ChunkedArray<Event>()
    /// Images the registry does not have: pulls of them fail.
    public internal(set) var missingImages: Set<String> = []
    public var timings: Timings
    /// When set, controllers record their steps in `trace`.
    public var tracing = false
    public internal(set) var trace: [TraceStep] = []

    var rng: SplitMix64
    /// The API server's counters: the next uid, and how many nodes were ever added (a node's
    /// address and pod network come from its number).
    var nextUID = 1
    var nodeCount = 0

    // Each controller's own state: its work queue and memos. None of it is saved; a loaded
    // session rebuilds it from the objects (`rebuildDerivedState`).
    var deploymentController = DeploymentControllerState()
    var replicaSetController = ReplicaSetControllerState()
    var scheduler = SchedulerState()
    var endpointsController = EndpointsControllerState()
    var nodeLifecycle = NodeLifecycleState()
    /// Indices over the objects, so that work per change does not grow with the cluster.
    var indices = ClusterIndices()
    /// Node ports, cluster IPs and load-balancer addresses in use, from the services.
    var allocations = ServiceAllocations()
    /// What the built-in apps hold (the Redis pods' data): gone with the pods.
    var apps = AppState()

    public var now: Millis { clock.now }

    /// Restarts the random generator (pod names, addresses, endpoint choice) from `seed`.
    public mutating func reseed(_ seed: UInt64) { rng = SplitMix64(seed: seed) }

    public init(_ config: ClusterConfig = ClusterConfig()) {
        timings = config.timings
        rng = SplitMix64(seed: config.seed)
        for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            namespaces[ns] = Namespace(meta: newMeta(name: ns, namespace: ""))
        }
        createSystemServices()
        for i in 1...max(1, config.nodes) {
            // The configuration is the caller's: a bad one falls back to defaults rather than failing.
            _ = try? addNode(name: "n\(i)", cpuMillis: config.cpuMillis, memoryBytes: config.memoryBytes)
        }
    }

    mutating func newMeta(name: String, namespace: String = "default", key: String? = nil) -> ObjectMeta {
        defer { nextUID += 1 }
        return ObjectMeta(name: name, namespace: namespace, key: key ?? ObjectMeta.key(namespace, name), uid: nextUID, creationTime: now)
    }

    /// Makes room for `n` more pods in the store and the indices a ReplicaSet's pods go in,
    /// so that creating 150,000 of them does not grow each table many times.
    mutating func reserveForPods(_ n: Int, owner: Int, labels: OrderedDictionary<String, String>) {
        guard n > 64 else { return }
        pods.reserveCapacity(pods.count + n)
        indices.podsByOwner[owner, default: []].reserveCapacity((indices.podsByOwner[owner]?.count ?? 0) + n)
        if indices.labelIndexBuilt {
            for (k, v) in labels {
                let label = LabelPair(key: k, value: v)
                indices.podsByLabel[label, default: []].reserveCapacity((indices.podsByLabel[label]?.count ?? 0) + n)
            }
        }
        scheduler.unscheduled.reserveCapacity(scheduler.unscheduled.count + n)
    }

    // MARK: Events and trace

    mutating func record(_ type: Event.Kind, _ reason: String, _ kind: String, _ name: String, _ message: EventMessage,
                         source: String, namespace: String = "default") {
        events.append(Event(time: now, type: type, reason: reason, objectKind: kind, objectName: name, namespace: namespace,
                            detail: message, source: source))
    }

    mutating func record(_ reason: String, _ kind: String, _ name: String, _ message: EventMessage, source: String, namespace: String = "default") {
        record(.normal, reason, kind, name, message, source: source, namespace: namespace)
    }

    mutating func note(_ component: String, _ message: @autoclosure () -> String) {
        if tracing { trace.append(TraceStep(time: now, component: component, message: message())) }
    }

    // MARK: Lookup

    public func deployment(_ name: String, namespace: String = "default") -> Deployment? {
        deployments[ObjectMeta.key(namespace, name)]
    }

    public func replicaSets(of d: Deployment) -> [ReplicaSet] {
        (indices.replicaSetsByOwner[d.meta.uid] ?? []).compactMap { replicaSets[$0] }
    }

    /// A ReplicaSet's pods, oldest first. The order is the pods' own (their uids), not the
    /// index's, so it is the same after a session is loaded or a statement undone.
    public func pods(of rs: ReplicaSet) -> [Pod] {
        oldestFirst(indices.podsByOwner[rs.meta.uid] ?? []).compactMap { pods[$0] }
    }

    /// The pods bound to a node, oldest first (see `pods(of:)`).
    public func pods(on node: String) -> [Pod] {
        podKeys(on: node).compactMap { pods[$0] }
    }

    /// The keys of the pods bound to a node, oldest first.
    func podKeys(on node: String) -> [String] { oldestFirst(indices.podsByNode[node] ?? []) }

    /// Pod keys in the order the pods were made (by uid), leaving out pods that are gone: the
    /// order an index or queue holds them in depends on its history, this one does not.
    func oldestFirst<Keys: Sequence>(_ keys: Keys) -> [String] where Keys.Element == String {
        var aged = keys.compactMap { key in pods.withValue(key) { ($0.meta.uid, key) } }
        if aged.count > 1 { aged.sort { $0.0 < $1.0 } }
        return aged.map(\.1)
    }

    /// Pods whose labels hold every pair of `selector`, through the label index.
    public func pods(matching selector: [(String, String)], namespace: String = "default") -> [Pod] {
        var out: [Pod] = []
        forEachPod(matching: selector, namespace: namespace) { out.append($0) }
        return out
    }

    /// Visits the pods `pods(matching:)` returns, in the same order, reading each in place (the
    /// Endpoints controller visits every pod behind a Service whenever one changes).
    func forEachPod(matching selector: [(String, String)], namespace: String, _ body: (Pod) -> Void) {
        func visit(_ p: Pod) {
            if p.meta.namespace == namespace && selector.allSatisfy({ p.meta.labels[$0.0] == $0.1 }) { body(p) }
        }
        guard !selector.isEmpty, indices.labelIndexBuilt else {
            for i in pods.values.indices { pods.values.withElement(at: i, visit) }
            return
        }
        let sets = selector.map { indices.podsByLabel[LabelPair(key: $0.0, value: $0.1)] ?? [] }
        guard let smallest = sets.min(by: { $0.count < $1.count }) else { return }
        for key in smallest { pods.withValue(key, visit) }
    }

    public func pod(_ name: String, namespace: String = "default") -> Pod? { pods[ObjectMeta.key(namespace, name)] }

    // MARK: Time

    public struct SettleError: Error, Hashable, Sendable, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// Runs the controllers until nothing more would happen at this instant.
    public mutating func reconcile() throws(SettleError) {
        var steps = 0
        let limit = Limits.settleSteps
        while true {
            if let key = deploymentController.queue.first {
                deploymentController.queue.removeFirst()
                syncDeployment(key)
            } else if let key = replicaSetController.queue.first {
                replicaSetController.queue.removeFirst()
                syncReplicaSet(key)
            } else if !scheduler.unscheduled.isEmpty {
                let waiting = Array(scheduler.unscheduled)
                scheduler.unscheduled.removeAll()
                schedule(waiting)
            } else if let key = endpointsController.queue.first {
                endpointsController.queue.removeFirst()
                syncService(key)
            } else {
                return
            }
            steps += 1
            if steps > limit {
                throw SettleError(description: "the controllers did not come to rest after \(limit) steps at \(DurationText.format(now, milliseconds: false))")
            }
        }
    }

    /// Moves virtual time forward by `duration`, firing every timer due on the way;
    /// `eachInstant` sees the cluster at rest at every instant something happened.
    public mutating func advance(by duration: Millis, eachInstant: (Cluster) -> Void = { _ in }) throws(SettleError) {
        try reconcile()
        eachInstant(self)
        let end = now + max(0, duration)
        while let due = clock.nextDue, due <= end {
            fire(clock.popDue(atOrBefore: due))
            try reconcile()
            eachInstant(self)
        }
        clock.advance(to: end)
    }

    /// Runs time forward until nothing more would happen by itself (retries that go on
    /// forever, such as image pull back-off, do not count). Returns the time that passed.
    /// `eachInstant` sees the cluster at rest at every instant something happened.
    @discardableResult
    public mutating func settle(limit: Millis = Limits.settleTime, eachInstant: (Cluster) -> Void = { _ in }) throws(SettleError) -> Millis {
        let start = now
        try reconcile()
        eachInstant(self)
        while clock.hasForegroundWork, let due = clock.nextDue {
            if due - start > limit {
                throw SettleError(description: "the cluster was still changing after \(DurationText.format(limit, milliseconds: false)) of virtual time; use wait to move time in steps")
            }
            fire(clock.popDue(atOrBefore: due))
            try reconcile()
            eachInstant(self)
        }
        return now - start
    }

    /// Moves to the next instant at which something is due, and runs it. Returns false when
    /// nothing is pending (background retries included).
    @discardableResult
    public mutating func step() throws(SettleError) -> Bool {
        try reconcile()
        guard let due = clock.nextDue else { return false }
        fire(clock.popDue(atOrBefore: due))
        try reconcile()
        return true
    }

    /// Whether anything would still happen by itself (background retries aside).
    public var isSettled: Bool { !clock.hasForegroundWork }

    mutating func fire(_ timers: [VirtualClock.Timer]) {
        for t in timers {
            switch t.event {
            case .kubelet(let pod, let uid, let step): kubeletStep(pod, uid: uid, step)
            case .podTerminated(let pod, let uid): finishTermination(pod, uid: uid)
            case .availability(let rs): replicaSetController.queue.append(rs)
            case .nodeGraceExpired(let node, let heartbeat): nodeGraceExpired(node, heartbeat: heartbeat)
            case .taintEviction(let node, let taintedAt): evictPods(node, taintedAt: taintedAt)
            case .progressDeadline(let d):
                deploymentController.deadlineChecks[d] = nil
                deploymentController.queue.append(d)
            case .speakerFailover(let node): speakerFailover(node)
            case .marker: break
            }
        }
    }

    // MARK: Index upkeep

    mutating func insertPod(_ pod: Pod) {
        let key = pod.meta.key
        pods[key] = pod
        if let owner = pod.meta.owner { indices.podsByOwner[owner.uid, default: []].append(key) }
        if indices.labelIndexBuilt { indexLabels(of: pod) }
    }

    mutating func indexLabels(of pod: Pod) {
        for (k, v) in pod.meta.labels { indices.podsByLabel[LabelPair(key: k, value: v), default: []].append(pod.meta.key) }
    }

    /// Builds the label index if no one needed it before.
    mutating func ensureLabelIndex() {
        guard !indices.labelIndexBuilt else { return }
        indices.labelIndexBuilt = true
        for p in pods.values { indexLabels(of: p) }
    }

    mutating func removePod(_ key: String) {
        guard let pod = pods.removeValue(forKey: key) else { return }
        apps.redisData[pod.meta.uid] = nil
        if let owner = pod.meta.owner { indices.podsByOwner[owner.uid]?.remove(key) }
        if indices.labelIndexBuilt {
            for (k, v) in pod.meta.labels { indices.podsByLabel[LabelPair(key: k, value: v)]?.remove(key) }
        }
        if let node = pod.nodeName {
            indices.podsByNode[node]?.remove(key)
            if let n = nodes.index(forKey: node) {
                nodes.values[n].usage.add(pod.template, sign: -1)
                if let ip = pod.podIP.flatMap({ IPv4.parse(Substring($0)) }) {
                    nodes.values[n].usedHosts[Int(ip & 0xFF)] = false
                }
            }
            if let owner = pod.meta.owner { indices.podsPerNodeByOwner[owner.uid]?[node]? -= 1 }
        } else {
            emit(.podTerminating(key: key))
        }
        podChanged(pod)
        // Room was made: pods waiting for a node may fit now.
        emit(.capacityFreed)
    }

    /// A pod's readiness or existence changed: its owner recounts.
    mutating func podChanged(_ pod: Pod) { podChanged(pod.meta, ip: pod.podIP) }

    /// `ip`: the pod's address, when the pod may be gone by the time its services look.
    mutating func podChanged(_ meta: ObjectMeta, ip: String? = nil) { emit(.podChanged(meta, ip: ip)) }
}

/// Indices over the objects, kept as objects change and rebuilt from them on load.
struct ClusterIndices: Sendable {
    var podsByOwner: [Int: SlotSet] = [:]
    var podsByNode: [String: SlotSet] = [:]
    var replicaSetsByOwner: [Int: OrderedSet<String>] = [:]
    /// A label → pods with that label. Built when a selector first needs it (a Service), then
    /// kept: a cluster without Services does not pay for it on every pod.
    var podsByLabel: [LabelPair: SlotSet] = [:]
    var labelIndexBuilt = false
    /// Owner uid → node → how many of its pods are bound there (for spreading).
    var podsPerNodeByOwner: [Int: [String: Int]] = [:]
}

/// One label, as an index key (a struct, not a joined string, so nothing is built per pod).
struct LabelPair: Hashable, Sendable {
    var key: String
    var value: String
}

/// SplitMix64: small, fast and seeded, so a run is reproducible from its seed.
public struct SplitMix64: RandomNumberGenerator, Codable, Sendable, Hashable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
