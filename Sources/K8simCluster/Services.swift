import K8simNotation
import OrderedCollections

/// A service's target port: a number, or the name of a container port.
public enum TargetPort: Codable, Hashable, Sendable, CustomStringConvertible {
    case number(Int)
    case name(String)
    public var description: String {
        switch self {
        case .number(let n): return "\(n)"
        case .name(let s): return s
        }
    }
}

public struct ServicePort: Codable, Hashable, Sendable {
    public var name: String?
    public var port: Int
    /// nil means the same as `port`.
    public var targetPort: TargetPort?
    public var proto: String = "TCP"
    /// Asked for (when set before creation) or allocated.
    public var nodePort: Int?
    /// Whether the node port was asked for, rather than allocated (exports keep only those).
    public internal(set) var nodePortRequested = false

    public init(name: String? = nil, port: Int, targetPort: TargetPort? = nil, proto: String = "TCP", nodePort: Int? = nil) {
        self.name = name
        self.port = port
        self.targetPort = targetPort
        self.proto = proto
        self.nodePort = nodePort
    }

    public var target: TargetPort { targetPort ?? .number(port) }
}

public enum ServiceType: String, Codable, Hashable, Sendable {
    case clusterIP = "ClusterIP"
    case nodePort = "NodePort"
    case loadBalancer = "LoadBalancer"
}

public struct ServiceSpec: Codable, Hashable, Sendable {
    public var type: ServiceType = .clusterIP
    /// nil: a service without a selector, whose endpoints are managed by hand.
    public var selector: OrderedDictionary<String, String>?
    public var ports: [ServicePort]

    public init(type: ServiceType = .clusterIP, selector: OrderedDictionary<String, String>?, ports: [ServicePort]) {
        self.type = type
        self.selector = selector
        self.ports = ports
    }
}

public struct Service: Codable, Hashable, Sendable {
    public var meta: ObjectMeta
    public var spec: ServiceSpec
    public var clusterIP: String
    /// The address a LoadBalancer got from MetalLB; nil while pending.
    public var loadBalancerIP: String?
    /// The node announcing `loadBalancerIP` (MetalLB layer 2), if any.
    public var announcingNode: String?

    public var name: String { meta.name }
}

public struct EndpointAddress: Codable, Hashable, Sendable {
    public var ip: String
    public var podName: String?
    public var nodeName: String?
    /// The container port each service port maps to, in the service's port order.
    public var ports: [Int]
}

public struct Endpoints: Codable, Hashable, Sendable {
    public var meta: ObjectMeta
    public var ready: [EndpointAddress] = []
    public var notReady: [EndpointAddress] = []
    public var name: String { meta.name }
}

public struct ConfigMap: Codable, Hashable, Sendable {
    public var meta: ObjectMeta
    public var data: OrderedDictionary<String, String>
    public var name: String { meta.name }
}

/// A MetalLB layer-2 address pool.
public struct AddressPool: Codable, Hashable, Sendable {
    public var name: String
    public var first: UInt32
    public var last: UInt32

    public init(name: String = "default", first: UInt32, last: UInt32) {
        self.name = name
        self.first = first
        self.last = last
    }

    /// `A-B` or a CIDR such as `10.64.140.0/28`, as MetalLB's configuration takes them.
    public static func parse(range text: String, name: String = "default") throws(ClusterError) -> AddressPool {
        switch IPv4.parseRange(Substring(text)) {
        case .success(let r): return AddressPool(name: name, first: r.lowerBound, last: r.upperBound)
        case .failure:
            throw .refused("invalid address range \"\(text)\": write two IPv4 addresses joined by '-' (10.64.140.43-10.64.140.49) or a CIDR (10.64.140.0/28)")
        }
    }
}

/// What the services hold: node ports, cluster IPs (the API server's and CoreDNS's among them)
/// and load-balancer addresses, each with the service's key. Rebuilt from the services on load.
struct ServiceAllocations: Sendable {
    var nodePorts: [Int: String] = [:]
    var loadBalancerIPs: [String: String] = [:]
    var clusterIPs: Set<String> = ["10.152.183.1", "10.152.183.10"]
}

/// Services, ConfigMaps and MetalLB: the API with upstream's validation and allocation.
extension Cluster {
    public static let serviceCIDR = "10.152.183.0/24"
    public static let nodePortRange = 30000...32767
    static let apiServerEndpoint = "10.0.0.10"
    /// CoreDNS's Service: its pods are not modelled, so its one endpoint is fixed, not kept by
    /// the Endpoints controller.
    static let coreDNSService = "kube-system/kube-dns"

    public func service(_ name: String, namespace: String = "default") -> Service? { services[ObjectMeta.key(namespace, name)] }
    public func endpoints(_ name: String, namespace: String = "default") -> Endpoints? { endpointsByService[ObjectMeta.key(namespace, name)] }
    public func configMap(_ name: String, namespace: String = "default") -> ConfigMap? { configMaps[ObjectMeta.key(namespace, name)] }

    /// The `kubernetes` service and CoreDNS's `kube-dns`, as a new cluster has them.
    mutating func createSystemServices() {
        var api = newMeta(name: "kubernetes")
        api.labels = ["component": "apiserver", "provider": "kubernetes"]
        services[api.key] = Service(meta: api, spec: ServiceSpec(selector: nil, ports: [ServicePort(name: "https", port: 443, targetPort: .number(6443))]),
                                    clusterIP: "10.152.183.1")
        endpointsByService[api.key] = Endpoints(meta: api, ready: [EndpointAddress(ip: Self.apiServerEndpoint, ports: [6443])])
        var dns = newMeta(name: "kube-dns", namespace: "kube-system")
        dns.labels = ["k8s-app": "kube-dns"]
        let dnsPorts = [ServicePort(name: "dns", port: 53, proto: "UDP"), ServicePort(name: "dns-tcp", port: 53),
                        ServicePort(name: "metrics", port: 9153)]
        services[dns.key] = Service(meta: dns, spec: ServiceSpec(selector: ["k8s-app": "kube-dns"], ports: dnsPorts), clusterIP: "10.152.183.10")
        endpointsByService[dns.key] = Endpoints(meta: dns, ready: [EndpointAddress(ip: "10.1.0.2", ports: [53, 53, 9153])])
    }

    static func isDNSLabel(_ s: String) -> Bool {
        let u = Array(s.utf8)
        func lower(_ b: UInt8) -> Bool { b >= 0x61 && b <= 0x7A }
        func alnum(_ b: UInt8) -> Bool { lower(b) || (b >= 0x30 && b <= 0x39) }
        guard let f = u.first, let l = u.last, u.count <= 63, lower(f), alnum(l) else { return false }
        return u.allSatisfy { alnum($0) || $0 == 0x2D }
    }

    /// Creates or updates a Service as `kubectl apply` would. Node ports and cluster IPs are
    /// kept across updates; asked-for node ports are checked against the range and the ports
    /// other services hold, with upstream's messages.
    @discardableResult
    public mutating func applyService(name: String, namespace: String = "default", spec: ServiceSpec,
                                      labels: OrderedDictionary<String, String> = [:]) throws(ClusterError) -> ApplyOutcome {
        func invalid(_ field: String, _ detail: String) -> ClusterError { .invalid("Service", name, field: field, detail) }
        // Exports keep the node ports the user asked for, not the ones allocated.
        var spec = spec
        for i in spec.ports.indices { spec.ports[i].nodePortRequested = spec.ports[i].nodePort != nil }
        guard Self.isDNSLabel(name) else {
            throw invalid("metadata.name", "Invalid value: \"\(name)\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")
        }
        guard namespaces[namespace] != nil else { throw .notFound("namespaces", namespace) }
        if spec.ports.isEmpty { throw invalid("spec.ports", "Required value") }
        let key = ObjectMeta.key(namespace, name)
        let existing = services[key]
        var seen: Set<String> = []
        for (i, p) in spec.ports.enumerated() {
            if p.port < 1 || p.port > 65535 {
                throw invalid("spec.ports[\(i)].port", "Invalid value: \(p.port): must be between 1 and 65535, inclusive")
            }
            if case .number(let t) = p.target, t < 1 || t > 65535 {
                throw invalid("spec.ports[\(i)].targetPort", "Invalid value: \(t): must be between 1 and 65535, inclusive")
            }
            if spec.ports.count > 1 && (p.name ?? "").isEmpty { throw invalid("spec.ports[\(i)].name", "Required value") }
            if !seen.insert("\(p.port)/\(p.proto)").inserted {
                throw invalid("spec.ports[\(i)]", "Duplicate value: core.ServicePort{Name:\"\(p.name ?? "")\", Protocol:\"\(p.proto)\", Port:\(p.port)}")
            }
            if let np = p.nodePort {
                if spec.type == .clusterIP {
                    throw invalid("spec.ports[\(i)].nodePort", "Forbidden: may not be used when `type` is 'ClusterIP'")
                }
                if !Self.nodePortRange.contains(np) {
                    throw invalid("spec.ports[\(i)].nodePort", "Invalid value: \(np): provided port is not in the valid range. The range of valid ports is 30000-32767")
                }
                let ownedBefore = existing?.spec.ports.contains { $0.nodePort == np } ?? false
                if !ownedBefore && allocations.nodePorts[np] != nil {
                    throw invalid("spec.ports[\(i)].nodePort", "Invalid value: \(np): provided port is already allocated")
                }
            }
        }
        var service: Service
        var outcome: ApplyOutcome
        if var s = existing {
            var newSpec = spec
            // Node ports given before stay unless the type no longer has them.
            for i in newSpec.ports.indices where newSpec.type != .clusterIP && newSpec.ports[i].nodePort == nil {
                newSpec.ports[i].nodePort = s.spec.ports.first { $0.port == newSpec.ports[i].port && $0.proto == newSpec.ports[i].proto }?.nodePort
            }
            for (k, v) in labels { s.meta.labels[k] = v }
            if newSpec == s.spec && s.meta == existing?.meta { return .unchanged }
            for p in s.spec.ports { if let np = p.nodePort { allocations.nodePorts[np] = nil } }
            s.spec = newSpec
            service = s
            outcome = .configured
        } else {
            guard let ip = allocateClusterIP() else { throw invalid("spec.clusterIPs", "Internal error: failed to allocate a serviceIP: range is full") }
            var meta = newMeta(name: name, namespace: namespace)
            meta.labels = labels
            service = Service(meta: meta, spec: spec, clusterIP: ip)
            outcome = .created
        }
        if service.spec.type == .clusterIP {
            for i in service.spec.ports.indices { service.spec.ports[i].nodePort = nil }
        } else {
            for i in service.spec.ports.indices {
                if let np = service.spec.ports[i].nodePort {
                    allocations.nodePorts[np] = key
                } else {
                    guard let np = allocateNodePort() else { throw invalid("spec.ports[\(i)].nodePort", "Internal error: range is full") }
                    service.spec.ports[i].nodePort = np
                    allocations.nodePorts[np] = key
                }
            }
        }
        if service.spec.type != .loadBalancer, let ip = service.loadBalancerIP {
            allocations.loadBalancerIPs[ip] = nil
            service.loadBalancerIP = nil
            service.announcingNode = nil
        }
        services[key] = service
        emit(.serviceWritten(key: key))
        note("api-server", "service \(name) stored with cluster IP \(service.clusterIP)")
        note("coredns", "\(name).\(namespace).svc.cluster.local resolves to \(service.clusterIP)")
        return outcome
    }

    public mutating func deleteService(_ name: String, namespace: String = "default") throws(ClusterError) {
        let key = ObjectMeta.key(namespace, name)
        guard let s = services.removeValue(forKey: key) else { throw .notFound("services", name) }
        for p in s.spec.ports { if let np = p.nodePort { allocations.nodePorts[np] = nil } }
        if let ip = s.loadBalancerIP { allocations.loadBalancerIPs[ip] = nil }
        endpointsByService[key] = nil
        allocations.clusterIPs.remove(s.clusterIP)
        emit(.serviceDeleted(key: key))
    }

    /// A random free address of 10.152.183.0/24 (the seed's microk8s range), from the seeded generator.
    mutating func allocateClusterIP() -> String? {
        let free = (11...254).filter { !allocations.clusterIPs.contains("10.152.183.\($0)") }
        guard !free.isEmpty else { return nil }
        let ip = "10.152.183.\(free[Int(rng.next() % UInt64(free.count))])"
        allocations.clusterIPs.insert(ip)
        return ip
    }

    /// A random free node port, preferring the upper band as upstream does (30086-32767).
    mutating func allocateNodePort() -> Int? {
        for band in [30086...32767, 30000...30085] {
            let free = band.filter { allocations.nodePorts[$0] == nil }
            if !free.isEmpty { return free[Int(rng.next() % UInt64(free.count))] }
        }
        return nil
    }

    // MARK: ConfigMaps

    @discardableResult
    public mutating func applyConfigMap(name: String, namespace: String = "default",
                                        data: OrderedDictionary<String, String>, metalLBPools: [AddressPool]? = nil) throws(ClusterError) -> ApplyOutcome {
        guard Self.isDNSSubdomain(name) else {
            throw .invalid("ConfigMap", name, field: "metadata.name", "Invalid value: \"\(name)\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character")
        }
        for k in data.keys where k.isEmpty || !k.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }) {
            throw .invalid("ConfigMap", name, field: "data[\(k)]", "Invalid value: \"\(k)\": a valid config key must consist of alphanumeric characters, '-', '_' or '.'")
        }
        // Older MetalLB reads its pools from ConfigMap metallb-system/config (the seed's way);
        // `metalLBPools` are the ones its `config` key names, read by the manifest reader.
        if namespace == "metallb-system" && namespaces[namespace] == nil {
            namespaces[namespace] = Namespace(meta: newMeta(name: namespace, namespace: ""))
        }
        if let metalLBPools { try enableMetalLB(pools: metalLBPools) }
        guard namespaces[namespace] != nil else { throw .notFound("namespaces", namespace) }
        let key = ObjectMeta.key(namespace, name)
        if var cm = configMaps[key] {
            if cm.data == data { return .unchanged }
            cm.data = data
            configMaps[key] = cm
            return .configured
        }
        configMaps[key] = ConfigMap(meta: newMeta(name: name, namespace: namespace), data: data)
        emit(.configMapCreated(namespace: namespace))
        return .created
    }

    public mutating func deleteConfigMap(_ name: String, namespace: String = "default") throws(ClusterError) {
        guard configMaps.removeValue(forKey: ObjectMeta.key(namespace, name)) != nil else { throw .notFound("configmaps", name) }
    }

    /// A pod's environment: its values, ConfigMap keys, and whole ConfigMaps, as the kubelet
    /// sets them when the container starts. Throws the kubelet's message for a missing one.
    public func environment(of pod: Pod) throws(ClusterError) -> OrderedDictionary<String, String> {
        try environment(of: pod.template, namespace: pod.meta.namespace)
    }

    func environment(of template: PodTemplate, namespace: String) throws(ClusterError) -> OrderedDictionary<String, String> {
        var env: OrderedDictionary<String, String> = [:]
        for c in template.containers {
            for from in c.envFrom {
                guard let cm = configMaps[ObjectMeta.key(namespace, from)] else { throw .notFound("configmap", from) }
                for (k, v) in cm.data { env[k] = v }
            }
            for e in c.env {
                if let ref = e.configMapKey {
                    guard let cm = configMaps[ObjectMeta.key(namespace, ref.name)] else { throw .notFound("configmap", ref.name) }
                    guard let v = cm.data[ref.key] else {
                        throw .refused("couldn't find key \(ref.key) in ConfigMap \(namespace)/\(ref.name)")
                    }
                    env[e.name] = v
                } else {
                    env[e.name] = e.value ?? ""
                }
            }
        }
        return env
    }

    // MARK: MetalLB

    /// `microk8s enable metallb:A-B`: a layer-2 pool. LoadBalancer services take addresses
    /// from it in order.
    public mutating func enableMetalLB(pools: [AddressPool]) throws(ClusterError) {
        guard !pools.isEmpty else { throw .refused("metallb needs at least one address pool") }
        for p in pools where IPv4.problem(first: p.first, last: p.last) != nil {
            throw .refused("invalid address range \(IPv4.format(p.first))-\(IPv4.format(p.last)): the first address must not come after the last, and a pool holds at most 65536 addresses")
        }
        if namespaces["metallb-system"] == nil {
            namespaces["metallb-system"] = Namespace(meta: newMeta(name: "metallb-system", namespace: ""))
        }
        addressPools = pools
        note("metallb-controller", "address pools: " + pools.map { "\(IPv4.format($0.first))-\(IPv4.format($0.last))" }.joined(separator: ", "))
        emit(.addressPoolsChanged)
    }


    /// MetalLB's controller: an address for each LoadBalancer service, first free in pool order.
    mutating func assignLoadBalancerIP(_ key: String) {
        guard var s = services[key], s.spec.type == .loadBalancer, s.loadBalancerIP == nil, !addressPools.isEmpty else { return }
        for pool in addressPools {
            var ip = pool.first
            while true {
                let text = IPv4.format(ip)
                if allocations.loadBalancerIPs[text] == nil {
                    s.loadBalancerIP = text
                    allocations.loadBalancerIPs[text] = key
                    services[key] = s
                    record("IPAllocated", "service", s.name, .assignedIP(text), source: "metallb-controller", namespace: s.meta.namespace)
                    note("metallb-controller", "\(s.name) gets \(text)")
                    announce(key)
                    return
                }
                if ip == pool.last { break }
                ip += 1
            }
        }
        if !events.contains(where: { $0.object == "service/\(s.name)" && $0.reason == "AllocationFailed" && $0.time == now }) {
            record(.warning, "AllocationFailed", "service", s.name, "Failed to allocate IP for \"\(key)\": no available IPs",
                   source: "metallb-controller", namespace: s.meta.namespace)
        }
    }

    /// MetalLB's speakers: one live node answers ARP for each address. The choice is stable
    /// (a hash of node and address), as MetalLB's is.
    mutating func announce(_ key: String) {
        guard var s = services[key], let ip = s.loadBalancerIP else { return }
        let candidates = nodes.values.filter { $0.kubeletUp }.map(\.name)
        func rank(_ node: String) -> UInt32 {
            var h: UInt32 = 2_166_136_261
            for b in "\(node)#\(ip)".utf8 { h = (h ^ UInt32(b)) &* 16_777_619 }
            return h
        }
        let chosen = candidates.min { (rank($0), $0) < (rank($1), $1) }
        guard chosen != s.announcingNode else { return }
        s.announcingNode = chosen
        services[key] = s
        if let chosen {
            record("nodeAssigned", "service", s.name, "announcing from node \"\(chosen)\" with protocol \"layer2\"",
                   source: "metallb-speaker", namespace: s.meta.namespace)
            note("metallb-speaker", "\(chosen) announces \(ip) for \(s.name)")
        }
    }

    /// What MetalLB hears: services deleted and pools set (a pending LoadBalancer may get an
    /// address now), nodes that fail (their speakers' addresses move after the other speakers
    /// notice) and recover (their speakers announce again).
    @inline(__always) mutating func metalLBObserve(_ event: WatchEvent) {
        switch event {
        case .serviceDeleted:
            for (k, other) in services where other.spec.type == .loadBalancer && other.loadBalancerIP == nil { endpointsController.queue.append(k) }
        case .addressPoolsChanged:
            for (k, s) in services where s.spec.type == .loadBalancer { endpointsController.queue.append(k) }
        case .nodeFailed(let name):
            if services.values.contains(where: { $0.announcingNode == name }) {
                clock.schedule(.speakerFailover(node: name), after: timings.speakerFailover)
            }
        case .nodeRecovered:
            for (k, s) in services where s.loadBalancerIP != nil { announce(k) }
        default: break
        }
    }

    /// After a node fails, the other speakers notice (memberlist) and take over its addresses.
    mutating func speakerFailover(_ failedNode: String) {
        for (k, s) in services where s.announcingNode == failedNode { announce(k) }
    }
}
