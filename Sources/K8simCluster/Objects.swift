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
    public var name: String
    public var namespace: String
    public var uid: Int
    public var labels: OrderedDictionary<String, String> = [:]
    public var annotations: OrderedDictionary<String, String> = [:]
    public var creationTime: Millis
    public var deletionTime: Millis?
    public var generation: Int = 1
    public var owner: OwnerReference?

    public init(name: String, namespace: String = "default", uid: Int = 0, creationTime: Millis = 0) {
        self.name = name
        self.namespace = namespace
        self.uid = uid
        self.creationTime = creationTime
    }

    /// `namespace/name`, the key objects are stored under.
    public var key: String { "\(namespace)/\(name)" }
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
    var usedHosts = [UInt64](repeating: 0, count: 4)
    /// Whether the kubelet is alive (heartbeating). A failed node is not.
    public var kubeletUp = true
    public var lastHeartbeat: Millis
    /// Images already pulled to this node.
    public var images: Set<String> = []
    /// What the pods bound here request, kept as they come and go (for the scheduler).
    public internal(set) var usage = NodeUsage()
    /// Pending node-lifecycle timers, cancelled when the node recovers.
    var graceTimer: UInt64?
    var evictionTimer: UInt64?

    public var name: String { meta.name }
    public var isReady: Bool { ready.status == .isTrue }
}

// MARK: - Pods

/// Requests of the pods on a node; the scoring sums count a pod with no requests as
/// upstream's defaults (100m CPU, 200Mi), so that such pods still spread.
public struct NodeUsage: Codable, Hashable, Sendable {
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

public struct Event: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Hashable, Sendable {
        case normal = "Normal"
        case warning = "Warning"
    }
    public var time: Millis
    public var type: Kind
    public var reason: String
    /// `pod/echo-abc12`, `deployment/echo`, `node/n1`.
    public var object: String
    public var namespace: String
    public var message: String
    public var source: String
}
