import K8simNotation
import OrderedCollections

/// What the built-in apps hold: each Redis pod's data in memory, by pod uid.
struct AppState: Sendable {
    var redisData: [Int: [String: Int]] = [:]
}

/// Requests through the cluster, following the path a packet takes: DNS, a service IP, a node
/// port or a load-balancer address, kube-proxy's choice of endpoint, the pod and its app.
extension Cluster {
    public struct Response: Hashable, Sendable {
        public var status: Int
        public var body: String
        public var pod: String
        public var node: String
        /// The hops, for learners: `n1:31000 → kube-proxy on n1 → 10.1.2.3:3000 (counter-… on n2)`.
        public var path: [String]
    }

    public struct RequestFailure: Error, Hashable, Sendable, CustomStringConvertible {
        public enum Kind: String, Hashable, Sendable {
            case timedOut, refused, unresolved, badRequest
        }
        public var kind: Kind
        public var message: String
        public var path: [String]
        public var description: String { message }
    }

    /// The apps the seed's images run, by repository.
    enum App {
        case echo, counter, redis, generic

        init(image: String) {
            var repo = Substring(image)
            if let at = repo.firstIndex(of: "@") { repo = repo[..<at] }
            if let slash = repo.lastIndex(of: "/"), let colon = repo[slash...].firstIndex(of: ":") { repo = repo[..<colon] } else if !repo.contains("/"), let colon = repo.firstIndex(of: ":") { repo = repo[..<colon] }
            switch repo {
            case "ghcr.io/subicura/echo", "subicura/echo": self = .echo
            case "ghcr.io/subicura/counter", "subicura/counter": self = .counter
            case "redis", "library/redis", "docker.io/library/redis", "docker.io/redis": self = .redis
            default: self = .generic
            }
        }
    }

    /// The port an app listens on: fixed by the image for the seed's apps, else the first
    /// declared container port, else 80.
    func listenPort(of pod: Pod) -> Int {
        let c = pod.template.containers.first
        switch App(image: c?.image ?? "") {
        case .echo, .counter: return 3000
        case .redis: return 6379
        case .generic: return c?.ports.first?.containerPort ?? 80
        }
    }

    func node(named host: String) -> Node? {
        nodes[host] ?? nodes.values.first { $0.internalIP == host }
    }

    /// A request from outside the cluster (`from` nil), or from a pod or deployment's pod.
    /// `port` nil means the service's first port.
    public mutating func request(host: String, port: Int?, from: String? = nil, namespace: String = "default") -> Result<Response, RequestFailure> {
        var path: [String] = []
        // Where the request starts: a pod's node, or (for names and cluster IPs with no pod
        // given) a throwaway client pod on the first Ready node.
        var originNode: String?
        if let from {
            guard let pod = clientPod(from, namespace: namespace) else {
                return .failure(RequestFailure(kind: .badRequest, message: "no running pod \"\(from)\" to send from: give a pod, or a deployment with a running pod", path: []))
            }
            originNode = pod.nodeName
            path.append("from \(pod.name) on \(pod.nodeName ?? "?")")
        }
        let shown = port.map { "\(host):\($0)" } ?? host
        // A node (by name or address): its node port.
        if let node = node(named: host), from == nil {
            guard let port else {
                return .failure(RequestFailure(kind: .badRequest, message: "a request to node \(host) needs a port, such as \(host):31000", path: path))
            }
            path.append("\(node.name) (\(node.internalIP)):\(port)")
            guard node.kubeletUp else { return .failure(timedOut(shown, path)) }
            guard let key = allocations.nodePorts[port], let s = services[key],
                  let index = s.spec.ports.firstIndex(where: { $0.nodePort == port }) else {
                return .failure(refused(shown, path))
            }
            path.append("kube-proxy on \(node.name): node port \(port) → service \(s.name)")
            return toEndpoint(key, s, index, shown: shown, path: path)
        }
        // A load-balancer address: the node that announces it.
        if let key = allocations.loadBalancerIPs[host], let s = services[key] {
            guard let speaker = s.announcingNode, nodes[speaker]?.kubeletUp == true else {
                path.append("\(host): no node answers for this address")
                return .failure(timedOut(shown, path))
            }
            let p = port ?? s.spec.ports.first?.port ?? 80
            path.append("\(host):\(p) announced by \(speaker)")
            guard let index = s.spec.ports.firstIndex(where: { $0.port == p }) else { return .failure(refused("\(host):\(p)", path)) }
            path.append("kube-proxy on \(speaker) → service \(s.name)")
            return toEndpoint(key, s, index, shown: "\(host):\(p)", path: path)
        }
        // A pod address: straight to the pod.
        if let pod = pods.values.first(where: { $0.podIP == host && !$0.isTerminating }) {
            let p = port ?? listenPort(of: pod)
            return deliver(pod, port: p, shown: "\(host):\(p)", path: path)
        }
        // A service's cluster IP, or a name for CoreDNS (from inside the cluster).
        var ip = host
        if IPv4.parse(Substring(host)) == nil {
            guard let resolved = resolve(host, fromNamespace: namespace) else {
                path.append("CoreDNS: \(host) → NXDOMAIN")
                return .failure(RequestFailure(kind: .unresolved, message: "Could not resolve host: \(host)", path: path))
            }
            path.append("CoreDNS: \(host) → \(resolved)")
            ip = resolved
        }
        guard let (key, s) = services.first(where: { $0.value.clusterIP == ip }) else {
            return .failure(timedOut(shown, path))
        }
        if originNode == nil { originNode = nodes.values.first { $0.kubeletUp && $0.isReady }?.name }
        guard let origin = originNode, nodes[origin]?.kubeletUp == true else { return .failure(timedOut(shown, path)) }
        let p = port ?? s.spec.ports.first?.port ?? 80
        // No rule for a port the service does not have: the packet goes nowhere.
        guard let index = s.spec.ports.firstIndex(where: { $0.port == p }) else { return .failure(timedOut("\(host):\(p)", path)) }
        path.append("kube-proxy on \(origin): \(s.clusterIP):\(p) → service \(s.name)")
        return toEndpoint(key, s, index, shown: "\(host):\(p)", path: path)
    }

    func clientPod(_ name: String, namespace: String) -> Pod? {
        if let p = pods[ObjectMeta.key(namespace, name)], p.phase == .running, !p.isTerminating { return p }
        guard let d = deployments[ObjectMeta.key(namespace, name)] else { return nil }
        return replicaSets(of: d).flatMap { pods(of: $0) }.first { $0.isReady && !$0.isTerminating }
    }

    func timedOut(_ target: String, _ path: [String]) -> RequestFailure {
        RequestFailure(kind: .timedOut, message: "Failed to connect to \(target): Connection timed out", path: path)
    }

    func refused(_ target: String, _ path: [String]) -> RequestFailure {
        RequestFailure(kind: .refused, message: "Failed to connect to \(target): Connection refused", path: path)
    }

    /// kube-proxy's random choice among the ready endpoints (iptables' random mode).
    mutating func toEndpoint(_ key: String, _ s: Service, _ portIndex: Int, shown: String, path: [String]) -> Result<Response, RequestFailure> {
        var path = path
        let ready = endpointsByService[key]?.ready ?? []
        guard !ready.isEmpty else {
            path.append("service \(s.name) has no ready endpoints: kube-proxy rejects the connection")
            return .failure(refused(shown, path))
        }
        let e = ready[Int(rng.next() % UInt64(ready.count))]
        let targetPort = e.ports[portIndex]
        guard let podName = e.podName, let pod = pods[ObjectMeta.key(s.meta.namespace, podName)] else {
            return .failure(timedOut(shown, path + ["\(e.ip):\(targetPort)"]))
        }
        path.append("\(e.ip):\(targetPort) (\(pod.name) on \(pod.nodeName ?? "?"))")
        return deliver(pod, port: targetPort, shown: shown, path: path)
    }

    /// The packet reaches the pod's node and its container.
    mutating func deliver(_ pod: Pod, port: Int, shown: String, path: [String]) -> Result<Response, RequestFailure> {
        guard let nodeName = pod.nodeName, nodes[nodeName]?.kubeletUp == true else { return .failure(timedOut(shown, path)) }
        guard pod.phase == .running, pod.isReady || pod.containerStatuses.allSatisfy(\.state.isRunning),
              port == listenPort(of: pod) else {
            return .failure(refused(shown, path + ["nothing listens on \(pod.name) port \(port)"]))
        }
        let image = pod.template.containers.first?.image ?? ""
        let tag = Self.normalizedImage(image).split(separator: ":").last.map(String.init) ?? "latest"
        switch App(image: image) {
        case .echo:
            return .success(Response(status: 200, body: "hello from \(pod.name) (\(tag))", pod: pod.name, node: nodeName, path: path))
        case .redis:
            return .success(Response(status: 200, body: "redis on \(pod.name) is listening (it speaks the Redis protocol, not HTTP)",
                                     pod: pod.name, node: nodeName, path: path))
        case .generic:
            return .success(Response(status: 200, body: "\(pod.name)", pod: pod.name, node: nodeName, path: path))
        case .counter:
            return .success(counter(pod, nodeName: nodeName, path: path))
        }
    }

    /// The counter app: finds Redis by REDIS_HOST and REDIS_PORT, increments, answers the count.
    mutating func counter(_ pod: Pod, nodeName: String, path: [String]) -> Response {
        func fail(_ message: String, _ extra: [String]) -> Response {
            Response(status: 500, body: message, pod: pod.name, node: nodeName, path: path + extra)
        }
        let env = (try? environment(of: pod)) ?? [:]
        let host = env["REDIS_HOST"] ?? "localhost"
        let port = Int(env["REDIS_PORT"] ?? "") ?? 6379
        let ns = pod.meta.namespace
        guard let ip = host == "localhost" ? nil : (IPv4.parse(Substring(host)) != nil ? host : resolve(host, fromNamespace: ns)) else {
            return fail("Error: getaddrinfo ENOTFOUND \(host)", ["counter: cannot resolve \(host)"])
        }
        var hops = ["counter on \(pod.name): redis at \(host) → \(ip):\(port)"]
        guard let (key, s) = services.first(where: { $0.value.clusterIP == ip }),
              let index = s.spec.ports.firstIndex(where: { $0.port == port }) else {
            return fail("Error: connect ETIMEDOUT \(ip):\(port)", hops)
        }
        let ready = endpointsByService[key]?.ready ?? []
        guard !ready.isEmpty else { return fail("Error: connect ECONNREFUSED \(ip):\(port)", hops + ["service \(s.name) has no ready endpoints"]) }
        let e = ready[Int(rng.next() % UInt64(ready.count))]
        guard let name = e.podName, let redis = pods[ObjectMeta.key(ns, name)], let redisNode = redis.nodeName, nodes[redisNode]?.kubeletUp == true else {
            return fail("Error: connect ETIMEDOUT \(ip):\(port)", hops)
        }
        hops.append("\(e.ip):\(e.ports[index]) (\(redis.name) on \(redisNode))")
        guard redis.phase == .running, e.ports[index] == listenPort(of: redis), case .redis = App(image: redis.template.containers.first?.image ?? "") else {
            return fail("Error: connect ECONNREFUSED \(ip):\(port)", hops)
        }
        let count = (apps.redisData[redis.meta.uid]?["count"] ?? 0) + 1
        apps.redisData[redis.meta.uid, default: [:]]["count"] = count
        return Response(status: 200, body: "\(count)", pod: pod.name, node: nodeName, path: path + hops)
    }
}
