/// The typed syntax tree. Value types; every node carries the source range it came from.

/// One piece of a word's value: literal text, or a `$name` reference filled in at run time.
public enum TemplatePart: Hashable, Sendable {
    case text(String)
    case variable(String)
}

/// A word or string argument as written: its decoded value, possibly holding `$name` references.
public struct Word: Hashable, Sendable {
    /// A plain word is held as its text alone, with no array to allocate.
    enum Storage: Hashable, Sendable {
        case text(String)
        case template([TemplatePart])
    }

    var storage: Storage
    public var range: SourceRange

    public init(parts: [TemplatePart], range: SourceRange) {
        if parts.isEmpty {
            storage = .text("")
        } else if parts.count == 1, case .text(let t) = parts[0] {
            storage = .text(t)
        } else {
            storage = .template(parts)
        }
        self.range = range
    }

    public init(_ text: String, range: SourceRange = .none) {
        self.storage = .text(text)
        self.range = range
    }

    public var parts: [TemplatePart] {
        switch storage {
        case .text(let t): return [.text(t)]
        case .template(let p): return p
        }
    }

    /// The value when it holds no references.
    public var literal: String? {
        if case .text(let t) = storage { return t }
        return nil
    }

    public var hasVariables: Bool { literal == nil }

    /// The value with references filled in; nil names the first unknown variable.
    public func expand(_ lookup: (String) -> String?) -> Result<String, UnknownVariable> {
        var out = ""
        for part in parts {
            switch part {
            case .text(let t): out += t
            case .variable(let name):
                guard let v = lookup(name) else { return .failure(UnknownVariable(name: name)) }
                out += v
            }
        }
        return .success(out)
    }
}

public struct UnknownVariable: Error, Hashable, Sendable {
    public var name: String
}

/// A word checked against a type. `value` is nil only when the word holds `$name` references:
/// the interpreter checks it with the same `Words` function once the value is known.
public struct Arg<Value: Hashable & Sendable>: Hashable, Sendable {
    public var word: Word
    public var value: Value?
    public var range: SourceRange { word.range }

    public init(word: Word, value: Value?) {
        self.word = word
        self.value = value
    }
}

public struct Script: Hashable, Sendable {
    public var statements: [Statement]
    public init(statements: [Statement]) { self.statements = statements }
}

public struct Statement: Hashable, Sendable {
    public var kind: StatementKind
    public var range: SourceRange
    /// Set when the statement was written as a kubectl (or microk8s) command line.
    public var kubectl: Bool

    public init(_ kind: StatementKind, range: SourceRange, kubectl: Bool = false) {
        self.kind = kind
        self.range = range
        self.kubectl = kubectl
    }
}

public indirect enum StatementKind: Hashable, Sendable {
    // Cluster and faults
    case cluster(ClusterSetup)
    case nodeAdd(NodeAdd)
    case nodeRemove(name: Arg<String>)
    case nodeAction(action: NodeAction, name: Arg<String>)
    case crashPod(name: Arg<String>)
    case registry(change: RegistryChange, image: Arg<ImageRef>)
    // Workloads
    case deploy(Deploy)
    case scale(name: Arg<String>, replicas: Arg<Int>)
    case setImage(SetImage)
    case rollout(Rollout)
    case delete(Delete)
    // Networking
    case expose(Expose)
    case enableMetalLB(range: Arg<IPv4Range>)
    case curl(Curl)
    case resolve(Resolve)
    case configMap(name: Arg<String>, data: [Arg<KeyValue>])
    // Time
    case wait(Wait)
    case setClock(ClockMode)
    case setSeed(Arg<Int>)
    case setTrace(Bool)
    // Inspection
    case get(Get)
    case describe(kind: Arg<ResourceKind>, name: Arg<String>)
    case map
    case timeline(name: Arg<String>)
    // Files
    case apply(file: Word)
    case export(Export)
    case source(file: Word)
    case save(file: Word)
    case load(file: Word)
    // Scripting and tutorials
    case `let`(name: String, value: Word)
    case `for`(variable: String, items: [Word], body: [Statement])
    case `repeat`(count: Arg<Int>, body: [Statement])
    case step(title: Word)
    case say(text: Word)
    case pause
    case expect(Expectation)
    // REPL
    case help(topic: Word?)
    case quit
    case clear
}

public struct ClusterSetup: Hashable, Sendable {
    public var nodes: Arg<Int>
    public var cpu: Arg<Quantity>?
    public var memory: Arg<Quantity>?
}

public struct NodeAdd: Hashable, Sendable {
    public var name: Arg<String>
    public var cpu: Arg<Quantity>?
    public var memory: Arg<Quantity>?
    public var labels: [Arg<KeyValue>]
}

public enum NodeAction: String, Hashable, Sendable, CaseIterable {
    case fail, recover, cordon, uncordon, drain
}

public enum RegistryChange: String, Hashable, Sendable, CaseIterable {
    case add, remove
}

public enum StrategyKind: String, Hashable, Sendable, CaseIterable {
    case rolling, recreate
}

@dynamicMemberLookup
public struct Deploy: Hashable, Sendable {
    public var name: Arg<String>
    public var image: Arg<ImageRef>
    public var replicas: Arg<Int>?
    public var labels: [Arg<KeyValue>] = []
    /// The options most deploy statements leave out (`d.port`, `d.surge`, ... through dynamic
    /// member lookup), kept on the heap only when one is given: inline they made every `Deploy`
    /// 713 bytes, and a long script holds one per statement.
    private var more = Rare<Options>()

    public struct Options: Hashable, Sendable {
        public var port: Arg<Int>?
        public var env: [Arg<KeyValue>] = []
        public var config: Arg<String>?
        public var cpu: Arg<Quantity>?
        public var memory: Arg<Quantity>?
        public var strategy: StrategyKind?
        public var surge: Arg<IntOrPercent>?
        public var unavailable: Arg<IntOrPercent>?
        public var minReady: Arg<Interval>?
        public var history: Arg<Int>?
        public var deadline: Arg<Interval>?
    }

    public subscript<T>(dynamicMember path: WritableKeyPath<Options, T>) -> T {
        get { more.value[keyPath: path] }
        set { more.change { $0[keyPath: path] = newValue } }
    }

    public init(name: Arg<String>, image: Arg<ImageRef>) {
        self.name = name
        self.image = image
    }
}

/// A value most instances leave at its default, held on the heap only when it differs from it.
struct Rare<Value: Hashable & Sendable & DefaultInitializable>: Hashable, Sendable {
    private final class Box: Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    private var box: Box?

    init() {}

    var value: Value { box?.value ?? Value() }

    mutating func change(_ body: (inout Value) -> Void) {
        var v = value
        body(&v)
        box = v == Value() ? nil : Box(v)
    }

    static func == (a: Rare, b: Rare) -> Bool { a.value == b.value }
    func hash(into h: inout Hasher) { h.combine(value) }
}

protocol DefaultInitializable { init() }

extension Deploy.Options: DefaultInitializable {}

public struct SetImage: Hashable, Sendable {
    public var name: Arg<String>
    /// The container, when given as kubectl's `container=image`.
    public var container: String?
    public var image: Arg<ImageRef>
}

public enum RolloutVerb: String, Hashable, Sendable, CaseIterable {
    case status, history, pause, resume, restart, undo
}

public struct Rollout: Hashable, Sendable {
    public var verb: RolloutVerb
    public var name: Arg<String>
    /// `rollout history NAME revision N` or `rollout undo NAME to revision N`.
    public var revision: Arg<Int>?
}

public struct Delete: Hashable, Sendable {
    public var kind: Arg<ResourceKind>
    public var name: Arg<String>
}

public enum ServiceKind: Hashable, Sendable {
    case clusterIP
    case nodePort(Arg<Int>?)
    case loadBalancer
}

/// A service's target port: a number, or the name of a container port.
public enum PortRef: Hashable, Sendable, CustomStringConvertible {
    case number(Int)
    case name(String)
    public var description: String {
        switch self {
        case .number(let n): return "\(n)"
        case .name(let s): return s
        }
    }
}

public struct Expose: Hashable, Sendable {
    public var name: Arg<String>
    public var serviceName: Arg<String>?
    public var port: Arg<Int>?
    public var target: Arg<PortRef>?
    public var type: ServiceKind?
}

public struct Curl: Hashable, Sendable {
    public var target: Arg<Target>
    public var from: Arg<String>?
    public var times: Arg<Int>?
}

public struct Resolve: Hashable, Sendable {
    public var name: Word
    public var from: Arg<String>?
}

public enum Wait: Hashable, Sendable {
    case duration(Arg<Interval>)
    case rollout(Arg<String>)
    case ready
}

public enum ClockMode: String, Hashable, Sendable, CaseIterable {
    case auto, manual
}

public enum OutputForm: String, Hashable, Sendable, CaseIterable {
    case wide, yaml, json
}

public enum NamespaceScope: Hashable, Sendable {
    case named(Arg<String>)
    case all
}

public struct Get: Hashable, Sendable {
    public var kind: Arg<ResourceKind>
    public var name: Arg<String>?
    public var selector: Arg<[KeyValue]>?
    public var namespace: NamespaceScope?
    public var output: OutputForm?
}

public struct Export: Hashable, Sendable {
    public var kind: Arg<ResourceKind>?
    public var name: Arg<String>?
    public var file: Word?
}

/// `expect ...`: a tutorial's assertion over cluster state, responses or errors.
public enum Expectation: Hashable, Sendable {
    /// `expect pods [where SEL] [on NODE] [STATE] N`
    case podCount(PodCount)
    /// `expect KIND NAME PROPERTY [VALUE]`, e.g. `expect deployment echo available 4`.
    case property(kind: Arg<ResourceKind>, name: Arg<String>, property: ObjectProperty, value: Word?)
    /// `expect curl TARGET [from X] answers [with TEXT] | fails [with TEXT]`
    case curl(Curl, outcome: Outcome, text: Word?)
    /// `expect resolve NAME [from X] to ADDRESS | fails`
    case resolve(Resolve, address: Word?)
    /// `expect error [TEXT] { statements }`
    case error(text: Word?, body: [Statement])
    /// `expect event TEXT`: some event's message holds TEXT.
    case event(text: Word)
}

public enum Outcome: String, Hashable, Sendable, CaseIterable {
    case answers, fails
}

public enum PodState: String, Hashable, Sendable, CaseIterable {
    case running, pending, ready, notready, terminating, failed
}

public struct PodCount: Hashable, Sendable {
    public var selector: Arg<[KeyValue]>?
    public var node: Arg<String>?
    public var state: PodState?
    public var count: Arg<Int>
}

/// What `expect KIND NAME PROPERTY` may look at, per kind.
public enum ObjectProperty: String, Hashable, Sendable, CaseIterable {
    case exists, missing
    case replicas, ready, updated, available, image, revision, paused
    case type, clusterIP = "cluster-ip", externalIP = "external-ip", nodePort = "node-port", endpoints
    case status, node, restarts
    case data

    /// Whether the property takes a value after it (`available 4`), or stands alone (`exists`).
    public var takesValue: Bool { self != .exists && self != .missing }

    public static func allowed(for kind: ResourceKind) -> [ObjectProperty] {
        let common: [ObjectProperty] = [.exists, .missing]
        switch kind {
        case .deployment: return common + [.replicas, .ready, .updated, .available, .image, .revision, .paused]
        case .replicaset: return common + [.replicas, .ready, .available, .image, .revision]
        case .service: return common + [.type, .clusterIP, .externalIP, .nodePort, .endpoints]
        case .endpoints: return common + [.endpoints]
        case .pod: return common + [.status, .node, .ready, .restarts, .image]
        case .node: return common + [.status]
        case .configmap: return common + [.data]
        case .namespace: return common + [.status]
        case .event, .all: return []
        }
    }
}
