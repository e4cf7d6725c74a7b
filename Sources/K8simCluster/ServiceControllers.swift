import K8simNotation
import OrderedCollections

/// The Endpoints controller's own state: services to sync; the pods changed since each
/// service's endpoints were last synced (applied one by one); and services whose endpoints
/// are rebuilt from all their pods at the next sync (new, changed, or loaded).
struct EndpointsControllerState: Sendable {
    var queue: OrderedSet<String> = []
    var changes: [String: [EndpointChange]] = [:]
    var stale: Set<String> = []
}

/// A pod whose address may have changed in a service's endpoints; `ip` is its address when
/// known then (the pod may be gone when the service looks).
struct EndpointChange: Hashable, Sendable {
    var pod: String
    var ip: String?
}

/// What reacts to Services: the Endpoints controller, kube-proxy's rules on each node, and
/// CoreDNS's names.
extension Cluster {
    /// What the Endpoints controller hears: pods that change (and are bound), services written
    /// and deleted.
    @inline(__always) mutating func endpointsControllerObserve(_ event: WatchEvent) {
        switch event {
        case .podChanged(let meta, let ip):
            noteEndpointChange(meta.name, namespace: meta.namespace, labels: meta.labels, ip: ip, wake: true)
        case .podBound(let b):
            noteEndpointChange(b.name, namespace: b.namespace, labels: b.labels, ip: nil, wake: false)
        case .serviceWritten(let key):
            endpointsController.queue.append(key)
            endpointsController.stale.insert(key)
        case .serviceDeleted(let key):
            endpointsController.changes[key] = nil
            endpointsController.stale.remove(key)
            endpointsController.queue.remove(key)
        default: break
        }
    }

    /// Notes a pod change for every service selecting the pod; `wake` queues those services now
    /// (a bind does not: its address shows at their next sync).
    mutating func noteEndpointChange(_ name: String, namespace: String, labels: OrderedDictionary<String, String>, ip: String?, wake: Bool) {
        for (key, s) in services where s.meta.namespace == namespace {
            guard let sel = s.spec.selector, sel.selects(labels) else { continue }
            if wake { endpointsController.queue.append(key) }
            endpointsController.changes[key, default: []].append(EndpointChange(pod: name, ip: ip))
        }
    }

    mutating func syncService(_ key: String) {
        guard let s = services[key] else { return }
        syncEndpoints(key, s)
        if s.spec.type == .loadBalancer {
            if s.loadBalancerIP == nil { assignLoadBalancerIP(key) } else if s.announcingNode == nil { announce(key) }
        }
    }

    /// The Endpoints controller: the addresses of the pods the selector picks, ready and not,
    /// each list in address order. A new or changed service is built from all its pods; after
    /// that only the pods that changed are looked at (a Service over 150,000 pods rebuilt its
    /// lists from all of them at every instant a pod changed: 800 ms a node failure).
    mutating func syncEndpoints(_ key: String, _ s: Service) {
        guard let selector = s.spec.selector else { return }
        let changes = endpointsController.changes.removeValue(forKey: key) ?? []
        if let i = endpointsByService.index(forKey: key), !endpointsController.stale.contains(key),
           changes.count * 8 < endpointsByService.values[i].ready.count + endpointsByService.values[i].notReady.count + 64 {
            // Changed in place: the lists are taken out of the store so that no copy of them is made.
            var ready: [EndpointAddress] = [], notReady: [EndpointAddress] = []
            swap(&ready, &endpointsByService.values[i].ready)
            swap(&notReady, &endpointsByService.values[i].notReady)
            let changed = applyEndpointChanges(changes, &ready, &notReady, s)
            swap(&ready, &endpointsByService.values[i].ready)
            swap(&notReady, &endpointsByService.values[i].notReady)
            if changed { noteEndpoints(s, endpointsByService.values[i]) }
            return
        }
        let (ready, notReady) = endpointAddresses(s, selector)
        endpointsController.stale.remove(key)
        let old = endpointsByService[key]
        if old?.ready == ready && old?.notReady == notReady && old != nil { return }
        var e = old ?? Endpoints(meta: newMeta(name: s.name, namespace: s.meta.namespace))
        e.ready = ready
        e.notReady = notReady
        endpointsByService[key] = e
        noteEndpoints(s, e)
    }

    mutating func noteEndpoints(_ s: Service, _ e: Endpoints) {
        note("endpoint-controller", "endpoints \(s.name): [\(e.ready.map { "\($0.ip):\($0.ports.first ?? 0)" }.joined(separator: ","))]\(e.notReady.isEmpty ? "" : " not ready: \(e.notReady.count)")")
        note("kube-proxy", "every node now sends \(s.clusterIP):\(s.spec.ports.first?.port ?? 0) to \(e.ready.count) endpoint(s)")
    }

    /// The address a pod has in a service's endpoints, and whether it is ready; nil when the
    /// pod is not an endpoint (terminating, without an address, or without a target port).
    func endpointAddress(of pod: Pod, _ s: Service) -> (address: EndpointAddress, ready: Bool)? {
        guard !pod.isTerminating, let ip = pod.podIP else { return nil }
        var ports: [Int] = []
        for p in s.spec.ports {
            switch p.target {
            case .number(let n): ports.append(n)
            case .name(let name):
                if let cp = pod.template.containers.flatMap(\.ports).first(where: { $0.name == name }) { ports.append(cp.containerPort) }
            }
        }
        guard ports.count == s.spec.ports.count else { return nil }
        return (EndpointAddress(ip: ip, podName: pod.name, nodeName: pod.nodeName, ports: ports), pod.isReady)
    }

    /// Both lists from all the pods the selector picks.
    mutating func endpointAddresses(_ s: Service, _ selector: OrderedDictionary<String, String>) -> (ready: [EndpointAddress], notReady: [EndpointAddress]) {
        ensureLabelIndex()
        var ready: [EndpointAddress] = []
        var notReady: [EndpointAddress] = []
        forEachPod(matching: selector.map { ($0.key, $0.value) }, namespace: s.meta.namespace) { pod in
            guard let (address, isReady) = endpointAddress(of: pod, s) else { return }
            if isReady { ready.append(address) } else { notReady.append(address) }
        }
        return (Self.sortedByIP(ready), Self.sortedByIP(notReady))
    }

    /// Takes the changed pods out of the lists (found by address) and puts them back as they are
    /// now; returns whether the lists changed.
    func applyEndpointChanges(_ changes: [EndpointChange], _ ready: inout [EndpointAddress], _ notReady: inout [EndpointAddress],
                              _ s: Service) -> Bool {
        // Each changed pod's addresses: those it had when it changed (a pod of that name may have
        // gone and come back since) and the one it has now.
        var names: [String] = []
        var ips: [String: Set<String>] = [:]
        for c in changes {
            if ips[c.pod] == nil {
                names.append(c.pod)
                ips[c.pod] = []
                if let ip = pods.withValue(ObjectMeta.key(s.meta.namespace, c.pod), \.podIP) ?? nil { ips[c.pod]?.insert(ip) }
            }
            if let ip = c.ip { ips[c.pod]?.insert(ip) }
        }
        var gone: [Int] = [], goneNotReady: [Int] = []
        for name in names {
            for ip in ips[name] ?? [] {
                guard let value = IPv4.parse(Substring(ip)) else { continue }
                if let i = Self.index(of: name, ip: value, in: ready) { gone.append(i) }
                if let i = Self.index(of: name, ip: value, in: notReady) { goneNotReady.append(i) }
            }
        }
        let removed = Set(gone.map { ready[$0] }), removedNotReady = Set(goneNotReady.map { notReady[$0] })
        Self.remove(gone, from: &ready)
        Self.remove(goneNotReady, from: &notReady)
        var added: [EndpointAddress] = [], addedNotReady: [EndpointAddress] = []
        for name in names {
            guard let now = pods.withValue(ObjectMeta.key(s.meta.namespace, name), { endpointAddress(of: $0, s) }) ?? nil else { continue }
            if now.ready { added.append(now.address) } else { addedNotReady.append(now.address) }
        }
        Self.insert(added, into: &ready)
        Self.insert(addedNotReady, into: &notReady)
        return removed != Set(added) || removedNotReady != Set(addedNotReady)
    }

    /// Where the address with this pod name and address value is in a list in address order.
    static func index(of name: String, ip: UInt32, in list: [EndpointAddress]) -> Int? {
        var i = lowerBound(ip, in: list)
        while i < list.count, IPv4.parse(Substring(list[i].ip)) == ip {
            if list[i].podName == name { return i }
            i += 1
        }
        return nil
    }

    /// The first position whose address is not below `ip`, by binary search.
    static func lowerBound(_ ip: UInt32, in list: [EndpointAddress], orAbove: Bool = false) -> Int {
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            let v = IPv4.parse(Substring(list[mid].ip)) ?? 0
            if v < ip || (orAbove && v == ip) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Removes the addresses at these positions, closing up the list in place (elements are
    /// moved, not copied: a list of 150,000 addresses costs one pass of moves).
    static func remove(_ positions: [Int], from list: inout [EndpointAddress]) {
        let doomed = Array(Set(positions)).sorted()
        guard let first = doomed.first else { return }
        // Swapped through a buffer pointer: its swap moves the values, the array's copies them.
        let kept = list.withUnsafeMutableBufferPointer { buf in
            var write = first, d = 0
            for read in first..<buf.count {
                if d < doomed.count && doomed[d] == read {
                    d += 1
                    continue
                }
                buf.swapAt(write, read)
                write += 1
            }
            return write
        }
        list.removeSubrange(kept...)
    }

    /// Puts addresses into a list in address order, each after any equal ones already there:
    /// appended, then merged in from the back in one pass of moves.
    static func insert(_ addresses: [EndpointAddress], into list: inout [EndpointAddress]) {
        guard !addresses.isEmpty else { return }
        let news = sortedByIP(addresses)
        let at = news.map { lowerBound(IPv4.parse(Substring($0.ip)) ?? 0, in: list, orAbove: true) }
        let oldCount = list.count
        list.append(contentsOf: news)
        list.withUnsafeMutableBufferPointer { buf in
            var s = oldCount - 1, t = buf.count - 1
            for j in news.indices.reversed() {
                while s >= at[j] {
                    buf.swapAt(t, s)
                    t -= 1
                    s -= 1
                }
                buf[t] = news[j]
                t -= 1
            }
        }
    }

    /// Addresses in numeric order (stable for equal ones). Each address is parsed once: parsing
    /// both sides of every comparison made a Service over 150,000 pods take seconds per change.
    static func sortedByIP(_ list: [EndpointAddress]) -> [EndpointAddress] {
        list.map { (IPv4.parse(Substring($0.ip)) ?? 0, $0) }.sorted { $0.0 < $1.0 }.map(\.1)
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
        case 1: return services[ObjectMeta.key(namespace, parts[0])]?.clusterIP
        case 2: return services[ObjectMeta.key(parts[1], parts[0])]?.clusterIP
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
