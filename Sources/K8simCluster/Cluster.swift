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
public struct TraceStep: Codable, Hashable, Sendable {
    public var time: Millis
    public var component: String
    public var message: String
}

/// The in-memory cluster: its objects, its clock, and the controllers that react to change.
/// A value type: copying it copies the whole cluster, so a caller can keep a snapshot.
public struct Cluster: Sendable, Codable {
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
    var nextUID = 1
    var nodeCount = 0
    // Indices, so that work per change does not grow with the cluster.
    var podsByOwner: [Int: SlotSet] = [:]
    var podsByNode: [String: SlotSet] = [:]
    var replicaSetsByOwner: [Int: OrderedSet<String>] = [:]
    /// A label → pods with that label. Built when a selector first needs it (a Service), then
    /// kept: a cluster without Services does not pay for it on every pod.
    var podsByLabel: [LabelPair: SlotSet] = [:]
    var labelIndexBuilt = false
    /// Owner uid → node → how many of its pods are bound there (for spreading).
    var podsPerNodeByOwner: [Int: [String: Int]] = [:]
    // Work queues of the reconcile loop, in the order work arrived.
    var dirtyDeployments: OrderedSet<String> = []
    var dirtyReplicaSets: OrderedSet<String> = []
    var unscheduled = KeyQueue()
    /// Pods no node can take now; retried when capacity changes.
    var parked = KeyQueue()
    /// When each deployment's progress-deadline check is due, so it is scheduled once.
    var deadlineChecks: [String: DeadlineCheck] = [:]
    var dirtyServices: OrderedSet<String> = []
    /// Pods changed since each service's endpoints were last synced, applied one by one.
    var endpointChanges: [String: [EndpointChange]] = [:]
    /// Services whose endpoints are rebuilt from all their pods at the next sync (new or changed).
    var endpointsStale: Set<String> = []
    /// When set, every incremental sync is compared with a rebuild and differences are kept in
    /// `endpointMismatches` (the random-operations test turns it on).
    var checkEndpoints = false
    var endpointMismatches: [String] = []
    var endpointSyncsChecked = 0
    var allocatedNodePorts: [Int: String] = [:]
    var allocatedLoadBalancerIPs: [String: String] = [:]
    var usedClusterIPs: Set<String> = ["10.152.183.1", "10.152.183.10"]
    var lastOwnerKey = OwnerKeyMemo()
    /// What each Redis pod holds in memory, by pod uid: gone with the pod.
    var redisData: [Int: [String: Int]] = [:]

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
        podsByOwner[owner, default: []].reserveCapacity((podsByOwner[owner]?.count ?? 0) + n)
        if labelIndexBuilt {
            for (k, v) in labels {
                let label = LabelPair(key: k, value: v)
                podsByLabel[label, default: []].reserveCapacity((podsByLabel[label]?.count ?? 0) + n)
            }
        }
        unscheduled.reserveCapacity(unscheduled.count + n)
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
        (replicaSetsByOwner[d.meta.uid] ?? []).compactMap { replicaSets[$0] }
    }

    public func pods(of rs: ReplicaSet) -> [Pod] {
        (podsByOwner[rs.meta.uid] ?? []).compactMap { pods[$0] }
    }

    public func pods(on node: String) -> [Pod] {
        (podsByNode[node] ?? []).compactMap { pods[$0] }
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
        guard !selector.isEmpty, labelIndexBuilt else {
            for i in pods.values.indices { pods.values.withElement(at: i, visit) }
            return
        }
        let sets = selector.map { podsByLabel[LabelPair(key: $0.0, value: $0.1)] ?? [] }
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
            if let key = dirtyDeployments.first {
                dirtyDeployments.removeFirst()
                syncDeployment(key)
            } else if let key = dirtyReplicaSets.first {
                dirtyReplicaSets.removeFirst()
                syncReplicaSet(key)
            } else if !unscheduled.isEmpty {
                let waiting = Array(unscheduled)
                unscheduled.removeAll()
                schedule(waiting)
            } else if let key = dirtyServices.first {
                dirtyServices.removeFirst()
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
            case .availability(let rs): dirtyReplicaSets.append(rs)
            case .nodeGraceExpired(let node, let heartbeat): nodeGraceExpired(node, heartbeat: heartbeat)
            case .taintEviction(let node, let taintedAt): evictPods(node, taintedAt: taintedAt)
            case .progressDeadline(let d):
                deadlineChecks[d] = nil
                dirtyDeployments.append(d)
            case .speakerFailover(let node): speakerFailover(node)
            case .marker: break
            }
        }
    }

    // MARK: Index upkeep

    mutating func insertPod(_ pod: Pod) {
        let key = pod.meta.key
        pods[key] = pod
        if let owner = pod.meta.owner { podsByOwner[owner.uid, default: []].append(key) }
        if labelIndexBuilt { indexLabels(of: pod) }
    }

    mutating func indexLabels(of pod: Pod) {
        for (k, v) in pod.meta.labels { podsByLabel[LabelPair(key: k, value: v), default: []].append(pod.meta.key) }
    }

    /// Builds the label index if no one needed it before.
    mutating func ensureLabelIndex() {
        guard !labelIndexBuilt else { return }
        labelIndexBuilt = true
        for p in pods.values { indexLabels(of: p) }
    }

    mutating func removePod(_ key: String) {
        guard let pod = pods.removeValue(forKey: key) else { return }
        redisData[pod.meta.uid] = nil
        if let owner = pod.meta.owner { podsByOwner[owner.uid]?.remove(key) }
        if labelIndexBuilt {
            for (k, v) in pod.meta.labels { podsByLabel[LabelPair(key: k, value: v)]?.remove(key) }
        }
        if let node = pod.nodeName {
            podsByNode[node]?.remove(key)
            if let n = nodes.index(forKey: node) {
                nodes.values[n].usage.add(pod.template, sign: -1)
                if let ip = pod.podIP.flatMap({ IPv4.parse(Substring($0)) }) {
                    nodes.values[n].usedHosts[Int(ip & 0xFF)] = false
                }
            }
            if let owner = pod.meta.owner { podsPerNodeByOwner[owner.uid]?[node]? -= 1 }
        } else {
            // Only a pod without a node waits in these queues.
            unscheduled.remove(key)
            parked.remove(key)
        }
        podChanged(pod)
        // Room was made: pods waiting for a node may fit now.
        unpark()
    }

    /// A pod's readiness or existence changed: its owner recounts.
    mutating func podChanged(_ pod: Pod) { podChanged(pod.meta, ip: pod.podIP) }

    /// `ip`: the pod's address, when the pod may be gone by the time its services look.
    mutating func podChanged(_ meta: ObjectMeta, ip: String? = nil) {
        // The endpoints of every service selecting the pod change.
        noteEndpointChange(meta.name, namespace: meta.namespace, labels: meta.labels, ip: ip, wake: true)
        guard let owner = meta.owner else { return }
        let key = ownerKey(owner, namespace: meta.namespace)
        // Pods of one owner change in runs: when it was the last queued, it is queued already.
        if dirtyReplicaSets.last != key { dirtyReplicaSets.append(key) }
    }

    /// Notes a pod change for the Endpoints controller of every service selecting the pod;
    /// `wake` queues those services now (a bind does not: its address shows at their next sync).
    mutating func noteEndpointChange(_ name: String, namespace: String, labels: OrderedDictionary<String, String>, ip: String?, wake: Bool) {
        for (key, s) in services where s.meta.namespace == namespace {
            guard let sel = s.spec.selector, sel.selects(labels) else { continue }
            if wake { dirtyServices.append(key) }
            endpointChanges[key, default: []].append(EndpointChange(pod: name, ip: ip))
        }
    }

    /// The store key of a pod's owner. Pods change in runs of one owner, so the last key built
    /// is kept: building and allocating it for each of 150,000 pods showed in the profiles.
    mutating func ownerKey(_ owner: OwnerReference, namespace: String) -> String {
        if lastOwnerKey.uid == owner.uid, !lastOwnerKey.key.isEmpty { return lastOwnerKey.key }
        let key = ObjectMeta.key(namespace, owner.name)
        lastOwnerKey = OwnerKeyMemo(uid: owner.uid, key: key)
        return key
    }

    mutating func unpark() {
        for key in parked { unscheduled.append(key) }
        parked.removeAll()
    }
}

/// A pod whose address may have changed in a service's endpoints; `ip` is its address when
/// known then (the pod may be gone when the service looks).
struct EndpointChange: Codable, Hashable, Sendable {
    var pod: String
    var ip: String?
}

/// One label, as an index key (a struct, not a joined string, so nothing is built per pod).
struct LabelPair: Codable, Hashable, Sendable {
    var key: String
    var value: String
}

/// The last owner key built (uids are never reused, so it cannot go stale).
struct OwnerKeyMemo: Codable, Hashable, Sendable {
    var uid = 0
    var key = ""
}

/// A pending progress-deadline check: when it is due, and its timer.
struct DeadlineCheck: Codable, Hashable, Sendable {
    var due: Millis
    var timer: UInt64
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
