import K8simNotation
import OrderedCollections

/// Milliseconds of virtual time since the cluster started.
public typealias Millis = Int64

extension OrderedDictionary<String, String> {
    /// Equality-based selection, as label selectors and templates use it: every pair here is
    /// among `labels`.
    public func selects(_ labels: OrderedDictionary<String, String>) -> Bool {
        allSatisfy { labels[$0.key] == $0.value }
    }
}

/// A Kubernetes object's identity and bookkeeping.
public struct ObjectMeta: Codable, Hashable, Sendable {
    public var name: String { didSet { key = Self.key(namespace, name) } }
    public var namespace: String { didSet { key = Self.key(namespace, name) } }
    public var uid: Int
    public var labels: OrderedDictionary<String, String> = [:]
    public var annotations: OrderedDictionary<String, String> = [:]
    public var creationTime: Millis
    public var deletionTime: Millis?
    public var generation: Int = 1
    public var owner: OwnerReference?

    public init(name: String, namespace: String = "default", uid: Int = 0, creationTime: Millis = 0) {
        self.init(name: name, namespace: namespace, key: Self.key(namespace, name), uid: uid, creationTime: creationTime)
    }

    /// With the key already built (it must be `namespace/name`).
    init(name: String, namespace: String, key: String, uid: Int, creationTime: Millis) {
        self.name = name
        self.namespace = namespace
        self.uid = uid
        self.creationTime = creationTime
        self.key = key
    }

    /// `namespace/name`, the key objects are stored under: kept, not built on each use, as the
    /// controllers look objects up by it at every step.
    public private(set) var key: String

    /// The one way a store key is made from an object's namespace and name.
    public static func key(_ namespace: String, _ name: String) -> String { "\(namespace)/\(name)" }

    enum CodingKeys: String, CodingKey {
        case name, namespace, uid, labels, annotations, creationTime, deletionTime, generation, owner
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try c.decode(String.self, forKey: .name), namespace: try c.decode(String.self, forKey: .namespace),
                  uid: try c.decode(Int.self, forKey: .uid), creationTime: try c.decode(Millis.self, forKey: .creationTime))
        labels = try c.decode(OrderedDictionary<String, String>.self, forKey: .labels)
        annotations = try c.decode(OrderedDictionary<String, String>.self, forKey: .annotations)
        deletionTime = try c.decodeIfPresent(Millis.self, forKey: .deletionTime)
        generation = try c.decode(Int.self, forKey: .generation)
        owner = try c.decodeIfPresent(OwnerReference.self, forKey: .owner)
    }
}

public struct OwnerReference: Codable, Hashable, Sendable {
    public var kind: String
    public var name: String
    public var uid: Int
}

/// A value that is a count or a percentage, as upstream's `intstr.IntOrString`: the string
/// form may be anything, and is checked when it is resolved.
public enum IntOrString: Codable, Hashable, Sendable, CustomStringConvertible {
    case int(Int)
    case string(String)

    public static func percent(_ p: Int) -> IntOrString { .string("\(p)%") }

    public var description: String {
        switch self {
        case .int(let n): return "\(n)"
        case .string(let s): return s
        }
    }
}

// MARK: - Pod templates

public struct ContainerPort: Codable, Hashable, Sendable {
    public var name: String?
    public var containerPort: Int
    public var proto: String = "TCP"

    public init(name: String? = nil, containerPort: Int, proto: String = "TCP") {
        self.name = name
        self.containerPort = containerPort
        self.proto = proto
    }
}

public struct EnvVar: Codable, Hashable, Sendable {
    public var name: String
    public var value: String?
    /// `valueFrom.configMapKeyRef`: (configmap, key).
    public var configMapKey: ConfigMapKeyRef?

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    public init(name: String, configMap: String, key: String) {
        self.name = name
        self.configMapKey = ConfigMapKeyRef(name: configMap, key: key)
    }
}

public struct ConfigMapKeyRef: Codable, Hashable, Sendable {
    public var name: String
    public var key: String
}

public struct Container: Codable, Hashable, Sendable {
    public var name: String
    public var image: String
    public var ports: [ContainerPort] = []
    public var env: [EnvVar] = []
    /// `envFrom.configMapRef` names.
    public var envFrom: [String] = []
    /// Requests, in thousandths of a CPU and bytes.
    public var cpuMillis: Int64 = 0
    public var memoryBytes: Int64 = 0

    public init(name: String, image: String) {
        self.name = name
        self.image = image
    }
}

public struct PodTemplate: Codable, Hashable, Sendable {
    public var labels: OrderedDictionary<String, String> = [:]
    public var annotations: OrderedDictionary<String, String> = [:]
    public var containers: [Container]

    public init(labels: OrderedDictionary<String, String> = [:], containers: [Container]) {
        self.labels = labels
        self.containers = containers
    }

    public var cpuMillis: Int64 { containers.reduce(0) { $0 + $1.cpuMillis } }
    public var memoryBytes: Int64 { containers.reduce(0) { $0 + $1.memoryBytes } }
}

// MARK: - Nodes

public struct Taint: Codable, Hashable, Sendable {
    public enum Effect: String, Codable, Hashable, Sendable {
        case noSchedule = "NoSchedule"
        case preferNoSchedule = "PreferNoSchedule"
        case noExecute = "NoExecute"
    }
    public var key: String
    public var value: String = ""
    public var effect: Effect
    public var addedAt: Millis?

    public static let unreachable = "node.kubernetes.io/unreachable"
    public static let notReady = "node.kubernetes.io/not-ready"
    public static let unschedulable = "node.kubernetes.io/unschedulable"
}

public enum ConditionStatus: String, Codable, Hashable, Sendable {
    case isTrue = "True"
    case isFalse = "False"
    case unknown = "Unknown"
}

public struct Condition: Codable, Hashable, Sendable {
    public var type: String
    public var status: ConditionStatus
    public var reason: String
    public var message: String
    public var lastTransitionTime: Millis
    public var lastUpdateTime: Millis
}

public struct Node: Codable, Hashable, Sendable {
    public var meta: ObjectMeta
    public var cpuMillis: Int64
    public var memoryBytes: Int64
    public var maxPods: Int = 110
    public var unschedulable = false
    public var taints: [Taint] = []
    public var ready: Condition
    /// The node's address, and the /24 its pods take addresses from (`10.1.3` for 10.1.3.0/24).
    public var internalIP: String
    public var podCIDRPrefix: String
    /// Which host numbers of the /24 its pods hold (a bit each; .2 to .254 are used).
    var usedHosts = HostBitmap()
    /// Whether the kubelet is alive (heartbeating). A failed node is not.
    public var kubeletUp = true
    public var lastHeartbeat: Millis
    /// Images already pulled to this node.
    public var images: Set<String> = []
    /// What the pods bound here request, kept as they come and go (for the scheduler).
    public internal(set) var usage = NodeUsage()

    public var name: String { meta.name }
    public var isReady: Bool { ready.status == .isTrue }

    /// A pod address in the node's /24 (`.255` when the /24 is full).
    func podIP(_ host: Int?) -> String { "\(podCIDRPrefix).\(host ?? 255)" }

    // Saved without what derives from its pods (`usedHosts`, `usage`): a loaded cluster counts them again.
    enum CodingKeys: String, CodingKey {
        case meta, cpuMillis, memoryBytes, maxPods, unschedulable, taints, ready, internalIP, podCIDRPrefix, kubeletUp, lastHeartbeat, images
    }
}

/// 256 bits, one per host number of a /24, held inline (no allocation per node or per change).
struct HostBitmap: Hashable, Sendable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    init() {}

    subscript(host: Int) -> Bool {
        get { word(host >> 6) & (1 << UInt64(host & 63)) != 0 }
        set {
            let bit: UInt64 = 1 << UInt64(host & 63)
            let w = newValue ? word(host >> 6) | bit : word(host >> 6) & ~bit
            switch host >> 6 {
            case 0: words.0 = w
            case 1: words.1 = w
            case 2: words.2 = w
            default: words.3 = w
            }
        }
    }

    private func word(_ i: Int) -> UInt64 {
        switch i {
        case 0: words.0
        case 1: words.1
        case 2: words.2
        default: words.3
        }
    }

    /// Marks and returns the lowest free host number in the range; nil when all are taken.
    mutating func takeLowest(from low: Int, through high: Int) -> Int? {
        for i in 0..<4 where word(i) != .max {
            let free = ~word(i)
            var host = i * 64 + free.trailingZeroBitCount
            if host < low {
                // Only the first word has numbers below `low`; look past them.
                let masked = free & ~((1 << UInt64(low)) - 1)
                guard masked != 0 else { continue }
                host = i * 64 + masked.trailingZeroBitCount
            }
            guard host <= high else { return nil }
            self[host] = true
            return host
        }
        return nil
    }

    static func == (a: HostBitmap, b: HostBitmap) -> Bool { (0..<4).allSatisfy { a.word($0) == b.word($0) } }
    func hash(into h: inout Hasher) { for i in 0..<4 { h.combine(word(i)) } }
}

// MARK: - Pods

/// Requests of the pods on a node; the scoring sums count a pod with no requests as
/// upstream's defaults (100m CPU, 200Mi), so that such pods still spread.
public struct NodeUsage: Hashable, Sendable {
    public var pods = 0
    public var cpuMillis: Int64 = 0
    public var memoryBytes: Int64 = 0
    var scoringCPU: Int64 = 0
    var scoringMemory: Int64 = 0

    static let defaultScoringCPU: Int64 = 100
    static let defaultScoringMemory: Int64 = 200 << 20

    mutating func add(_ template: PodTemplate, sign: Int64 = 1) {
        let cpu = template.cpuMillis, mem = template.memoryBytes
        pods += Int(sign)
        cpuMillis += sign * cpu
        memoryBytes += sign * mem
        scoringCPU += sign * (cpu == 0 ? Self.defaultScoringCPU : cpu)
        scoringMemory += sign * (mem == 0 ? Self.defaultScoringMemory : mem)
    }
}

public enum PodPhase: String, Codable, Hashable, Sendable {
    case pending = "Pending"
    case running = "Running"
    case succeeded = "Succeeded"
    case failed = "Failed"
    case unknown = "Unknown"
}

public enum ContainerState: Codable, Hashable, Sendable {
    case waiting(reason: String, message: String)
    case running(startedAt: Millis)
    case terminated(reason: String, exitCode: Int, finishedAt: Millis)

    public var isRunning: Bool {
        if case .running = self { return true }
        return false
    }
}

public struct ContainerStatus: Codable, Hashable, Sendable {
    public var name: String
    public var image: String
    public var state: ContainerState
    public var ready: Bool
    public var restartCount: Int
    public var lastRestartAt: Millis?
}

public struct Pod: Codable, Hashable, Sendable {
    public var meta: ObjectMeta
    public var template: PodTemplate
    public var nodeName: String?
    public var podIP: String?
    public var phase: PodPhase = .pending
    public var containerStatuses: [ContainerStatus] = []
    /// When the Ready condition last became true; nil while not ready.
    public var readySince: Millis?
    /// `status.reason`, e.g. `NodeLost`.
    public var reason: String?
    /// Why the scheduler could not place it, while Pending and unassigned.
    public var unschedulableMessage: String?
    public var startTime: Millis?
    /// Failed image pulls so far, for the back-off between retries.
    public var pullFailures = 0

    public var name: String { meta.name }
    public var isReady: Bool { readySince != nil }
    public var isTerminating: Bool { meta.deletionTime != nil }
    public var restarts: Int { containerStatuses.reduce(0) { $0 + $1.restartCount } }

    /// Available: ready for at least `minReadySeconds` by `now`.
    public func isAvailable(minReadySeconds: Int, now: Millis) -> Bool {
        guard let since = readySince, !isTerminating else { return false }
        return minReadySeconds == 0 || since + Millis(minReadySeconds) * 1000 <= now
    }

    /// The STATUS column as kubectl's `printPod` computes it.
    public var displayStatus: String {
        if isTerminating { return reason == "NodeLost" ? "Unknown" : "Terminating" }
        var status = reason ?? phase.rawValue
        for c in containerStatuses.reversed() {
            switch c.state {
            case .waiting(let r, _) where !r.isEmpty: status = r
            case .terminated(let r, let code, _): status = r.isEmpty ? "ExitCode:\(code)" : r
            default: break
            }
        }
        if status == "Completed", containerStatuses.contains(where: \.state.isRunning) {
            status = "Running"
        }
        return status
    }
}

// MARK: - Workloads

public struct ReplicaSet: Codable, Hashable, Sendable {
    public var meta: ObjectMeta
    public var replicas: Int
    public var selector: OrderedDictionary<String, String>
    public var template: PodTemplate
    public var minReadySeconds: Int = 0
    /// Status, recomputed by the ReplicaSet controller from its pods.
    public var status = ReplicaSetStatus()

    public var name: String { meta.name }
}

public struct ReplicaSetStatus: Codable, Hashable, Sendable {
    public var replicas = 0
    public var readyReplicas = 0
    public var availableReplicas = 0
    public var fullyLabeledReplicas = 0
    public var observedGeneration = 0
}

public enum DeploymentStrategy: Codable, Hashable, Sendable {
    case rollingUpdate(maxSurge: IntOrString?, maxUnavailable: IntOrString?)
    case recreate

    public static let defaultRolling = DeploymentStrategy.rollingUpdate(maxSurge: .string("25%"), maxUnavailable: .string("25%"))

    public var isRolling: Bool {
        if case .rollingUpdate = self { return true }
        return false
    }
}

public struct DeploymentSpec: Codable, Hashable, Sendable {
    public var replicas: Int = 1
    public var selector: OrderedDictionary<String, String>
    public var template: PodTemplate
    public var strategy: DeploymentStrategy = .defaultRolling
    public var minReadySeconds: Int = 0
    /// nil means unlimited.
    public var revisionHistoryLimit: Int? = 10
    /// nil means no deadline.
    public var progressDeadlineSeconds: Int? = 600
    public var paused = false

    public init(selector: OrderedDictionary<String, String>, template: PodTemplate) {
        self.selector = selector
        self.template = template
    }
}

public struct DeploymentStatus: Codable, Hashable, Sendable {
    public var observedGeneration = 0
    public var replicas = 0
    public var updatedReplicas = 0
    public var readyReplicas = 0
    public var availableReplicas = 0
    public var unavailableReplicas = 0
    public var collisionCount: Int?
    public var conditions: [Condition] = []

    public func condition(_ type: String) -> Condition? { conditions.first { $0.type == type } }
}

public struct Deployment: Codable, Hashable, Sendable {
    public var meta: ObjectMeta
    public var spec: DeploymentSpec
    public var status = DeploymentStatus()

    public var name: String { meta.name }
}

public struct Namespace: Codable, Hashable, Sendable {
    public var meta: ObjectMeta
}

// MARK: - Events

/// One event, as `kubectl get events` shows it. A rollout of 150,000 pods records a million
/// of them, so an event holds the parts of its object and message (strings the pod, node and
/// template already hold, shared rather than copied) and builds the text when it is read.
public struct Event: Sendable {
    public enum Kind: String, Codable, Hashable, Sendable {
        case normal = "Normal"
        case warning = "Warning"
    }
    public var time: Millis
    public var type: Kind
    public var reason: String
    /// `pod`, `deployment`, `node`, ...
    public var objectKind: String
    public var objectName: String
    public var namespace: String
    public var source: String
    public internal(set) var detail: EventMessage

    /// `pod/echo-abc12`, `deployment/echo`, `node/n1`.
    public var object: String { "\(objectKind)/\(objectName)" }
    public var message: String { detail.text(name: objectName, namespace: namespace) }

    public init(time: Millis, type: Kind, reason: String, object: String, namespace: String, message: String, source: String) {
        let parts = object.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        self.init(time: time, type: type, reason: reason, objectKind: String(parts[0]),
                  objectName: parts.count > 1 ? String(parts[1]) : "", namespace: namespace, detail: .text(message), source: source)
    }

    init(time: Millis, type: Kind, reason: String, objectKind: String, objectName: String, namespace: String,
         detail: EventMessage, source: String) {
        self.time = time
        self.type = type
        self.reason = reason
        self.objectKind = objectKind
        self.objectName = objectName
        self.namespace = namespace
        self.detail = detail
        self.source = source
    }

    /// Whether the event is about this object (`pod/echo-abc12`), without building its name.
    public func isAbout(_ object: String) -> Bool {
        object.utf8.count == objectKind.utf8.count + 1 + objectName.utf8.count
            && object.hasPrefix(objectKind) && object.hasSuffix(objectName) && object.utf8.dropFirst(objectKind.utf8.count).first == UInt8(ascii: "/")
    }
}

/// An event's message: the few that every pod records, and those a summary reads, kept as
/// their parts; any other as text.
public enum EventMessage: Hashable, Sendable, ExpressibleByStringInterpolation {
    case text(String)
    case scheduled(node: String)
    case pulling(image: String)
    case alreadyPresent(image: String)
    case pulled(image: String, took: Millis)
    case created(container: String)
    case started(container: String)
    case createdPod(String)
    case deletedPod(String)
    /// The kubelet's `Error: ErrImagePull` (kuberuntime_container.go, startContainer).
    case errImagePull
    /// MetalLB's `Assigned IP ["10.64.140.43"]` (controller/service.go).
    case assignedIP(String)

    static let assignedIPPrefix = "Assigned IP [\""

    /// A message read back as text (from a saved session) as the parts it was made of, where a
    /// summary reads them by their parts.
    init(reading text: String, reason: String) {
        if reason == "Failed", text == EventMessage.errImagePull.text(name: "", namespace: "") {
            self = .errImagePull
        } else if reason == "IPAllocated", text.hasPrefix(Self.assignedIPPrefix), text.hasSuffix("\"]") {
            self = .assignedIP(String(text.dropFirst(Self.assignedIPPrefix.count).dropLast(2)))
        } else {
            self = .text(text)
        }
    }

    public init(stringLiteral value: String) { self = .text(value) }
    public init(stringInterpolation: DefaultStringInterpolation) { self = .text(String(stringInterpolation: stringInterpolation)) }

    func text(name: String, namespace: String) -> String {
        switch self {
        case .text(let s): s
        case .scheduled(let node): "Successfully assigned \(namespace)/\(name) to \(node)"
        case .pulling(let image): "Pulling image \"\(image)\""
        case .alreadyPresent(let image): "Container image \"\(image)\" already present on machine"
        case .pulled(let image, let took):
            "Successfully pulled image \"\(image)\" in \(DurationText.format(took, milliseconds: false)) (\(DurationText.format(took, milliseconds: false)) including waiting)"
        case .created(let container): "Created container: \(container)"
        case .started(let container): "Started container \(container)"
        case .createdPod(let pod): "Created pod: \(pod)"
        case .deletedPod(let pod): "Deleted pod: \(pod)"
        case .errImagePull: "Error: ErrImagePull"
        case .assignedIP(let ip): "\(Self.assignedIPPrefix)\(ip)\"]"
        }
    }
}

// Equal and hashed as they read: an event read back from a saved session holds its message as
// text, and is the same event.
extension Event: Hashable {
    public static func == (a: Event, b: Event) -> Bool {
        a.time == b.time && a.type == b.type && a.reason == b.reason && a.objectKind == b.objectKind && a.objectName == b.objectName
            && a.namespace == b.namespace && a.source == b.source && a.message == b.message
    }

    public func hash(into h: inout Hasher) {
        h.combine(time)
        h.combine(reason)
        h.combine(objectName)
        h.combine(message)
    }
}

extension Event: Codable {
    enum CodingKeys: String, CodingKey { case time, type, reason, object, namespace, message, source }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(time: try c.decode(Millis.self, forKey: .time), type: try c.decode(Kind.self, forKey: .type),
                  reason: try c.decode(String.self, forKey: .reason), object: try c.decode(String.self, forKey: .object),
                  namespace: try c.decode(String.self, forKey: .namespace), message: try c.decode(String.self, forKey: .message),
                  source: try c.decode(String.self, forKey: .source))
        detail = EventMessage(reading: detail.text(name: objectName, namespace: namespace), reason: reason)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(time, forKey: .time)
        try c.encode(type, forKey: .type)
        try c.encode(reason, forKey: .reason)
        try c.encode(object, forKey: .object)
        try c.encode(namespace, forKey: .namespace)
        try c.encode(message, forKey: .message)
        try c.encode(source, forKey: .source)
    }
}
