import OrderedCollections

/// What reacts to Services: the Endpoints controller, kube-proxy's rules on each node, and
/// CoreDNS's names.
extension Cluster {
    mutating func syncService(_ key: String) {
        guard let s = services[key] else { return }
        syncEndpoints(key, s)
        if s.spec.type == .loadBalancer {
            if s.loadBalancerIP == nil { assignLoadBalancerIP(key) } else if s.announcingNode == nil { announce(key) }
        }
    }

    /// The Endpoints controller: the addresses of the pods the selector picks, ready and not.
    mutating func syncEndpoints(_ key: String, _ s: Service) {
        guard let selector = s.spec.selector else { return }
        ensureLabelIndex()
        var ready: [EndpointAddress] = []
        var notReady: [EndpointAddress] = []
        forEachPod(matching: selector.map { ($0.key, $0.value) }, namespace: s.meta.namespace) { pod in
            guard !pod.isTerminating, let ip = pod.podIP else { return }
            var ports: [Int] = []
            for p in s.spec.ports {
                switch p.target {
                case .number(let n): ports.append(n)
                case .name(let name):
                    if let cp = pod.template.containers.flatMap(\.ports).first(where: { $0.name == name }) { ports.append(cp.containerPort) }
                }
            }
            guard ports.count == s.spec.ports.count else { return }
            let address = EndpointAddress(ip: ip, podName: pod.name, nodeName: pod.nodeName, ports: ports)
            if pod.isReady { ready.append(address) } else { notReady.append(address) }
        }
        ready = Self.sortedByIP(ready)
        notReady = Self.sortedByIP(notReady)
        let old = endpointsByService[key]
        if old?.ready == ready && old?.notReady == notReady && old != nil { return }
        var e = old ?? Endpoints(meta: newMeta(name: s.name, namespace: s.meta.namespace))
        e.ready = ready
        e.notReady = notReady
        endpointsByService[key] = e
        let shown = ready.map { "\($0.ip):\($0.ports.first ?? 0)" }.joined(separator: ",")
        note("endpoint-controller", "endpoints \(s.name): [\(shown)]\(notReady.isEmpty ? "" : " not ready: \(notReady.count)")")
        note("kube-proxy", "every node now sends \(s.clusterIP):\(s.spec.ports.first?.port ?? 0) to \(ready.count) endpoint(s)")
    }

    /// Addresses in numeric order (stable for equal ones). Each address is parsed once: parsing
    /// both sides of every comparison made a Service over 150,000 pods take seconds per change.
    static func sortedByIP(_ list: [EndpointAddress]) -> [EndpointAddress] {
        list.map { (AddressPool.parse(Substring($0.ip)) ?? 0, $0) }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    // MARK: CoreDNS

    /// Resolves a name as a pod in `namespace` would (search path `<ns>.svc.cluster.local`,
    /// `svc.cluster.local`, `cluster.local`): the service's cluster IP, or nil (NXDOMAIN).
    public func resolve(_ name: String, fromNamespace namespace: String = "default") -> String? {
        var n = name.lowercased()
        if n.hasSuffix(".") { n.removeLast() }
        if n.hasSuffix(".cluster.local") { n = String(n.dropLast(".cluster.local".count)) }
        if n.hasSuffix(".svc") { n = String(n.dropLast(".svc".count)) }
        let parts = n.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1: return services["\(namespace)/\(parts[0])"]?.clusterIP
        case 2: return services["\(parts[1])/\(parts[0])"]?.clusterIP
        default: return nil
        }
    }

    // MARK: kube-proxy

    /// The rules kube-proxy writes on a node, in iptables-save form, for learners to read.
    public func proxyRules(on node: String) -> [String] {
        // kube-proxy writes the same rules on every node; the header says whose these are.
        var out: [String] = ["# kube-proxy on \(node)", "*nat", ":KUBE-SERVICES - [0:0]", ":KUBE-NODEPORTS - [0:0]"]
        func chain(_ prefix: String, _ text: String) -> String {
            var h: UInt64 = 14_695_981_039_346_656_037
            for b in text.utf8 { h = (h ^ UInt64(b)) &* 1_099_511_628_211 }
            let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
            var s = ""
            for i in 0..<16 { s.append(alphabet[Int((h >> UInt64(i * 4 % 60)) & 31)]) }
            return "\(prefix)-\(s)"
        }
        for (key, s) in services {
            let endpoints = endpointsByService[key]?.ready ?? []
            for (i, p) in s.spec.ports.enumerated() {
                let proto = p.proto.lowercased()
                let portName = "\(key)\(p.name.map { ":\($0)" } ?? "")"
                let svc = chain("KUBE-SVC", portName + p.proto)
                if endpoints.isEmpty {
                    out.append("-A KUBE-SERVICES -d \(s.clusterIP)/32 -p \(proto) -m comment --comment \"\(portName) has no endpoints\" -m \(proto) --dport \(p.port) -j REJECT --reject-with icmp-port-unreachable")
                    continue
                }
                out.append("-A KUBE-SERVICES -d \(s.clusterIP)/32 -p \(proto) -m comment --comment \"\(portName) cluster IP\" -m \(proto) --dport \(p.port) -j \(svc)")
                if let np = p.nodePort {
                    out.append("-A KUBE-NODEPORTS -p \(proto) -m comment --comment \"\(portName)\" -m \(proto) --dport \(np) -j \(svc)")
                }
                if let lb = s.loadBalancerIP {
                    out.append("-A KUBE-SERVICES -d \(lb)/32 -p \(proto) -m comment --comment \"\(portName) loadbalancer IP\" -m \(proto) --dport \(p.port) -j \(svc)")
                }
                for (j, e) in endpoints.enumerated() {
                    let sep = chain("KUBE-SEP", portName + e.ip)
                    let remaining = endpoints.count - j
                    if remaining > 1 {
                        let probability = String(format5: 1.0 / Double(remaining))
                        out.append("-A \(svc) -m comment --comment \"\(portName) -> \(e.ip):\(e.ports[i])\" -m statistic --mode random --probability \(probability) -j \(sep)")
                    } else {
                        out.append("-A \(svc) -m comment --comment \"\(portName) -> \(e.ip):\(e.ports[i])\" -j \(sep)")
                    }
                    out.append("-A \(sep) -p \(proto) -m \(proto) -j DNAT --to-destination \(e.ip):\(e.ports[i])")
                }
            }
        }
        out.append("-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS")
        out.append("COMMIT")
        return out
    }
}

extension String {
    /// A probability as iptables prints it: five decimals.
    init(format5 value: Double) {
        let scaled = Int((value * 100_000).rounded())
        let whole = scaled / 100_000
        let frac = String(scaled % 100_000)
        self = "\(whole)." + String(repeating: "0", count: 5 - frac.count) + frac
    }
}
