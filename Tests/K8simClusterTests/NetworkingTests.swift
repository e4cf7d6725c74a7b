import Foundation
import K8simNotation
import Testing
import OrderedCollections
@testable import K8simCluster

/// The seed's redis, counter and their services, through the model's API.
func seedServices(_ c: inout Cluster) throws {
    let db: OrderedDictionary<String, String> = ["app": "counter", "tier": "db"]
    var redis = Container(name: "redis", image: "redis")
    redis.ports = [ContainerPort(containerPort: 6379)]
    try c.applyDeployment(name: "redis", spec: DeploymentSpec(selector: db, template: PodTemplate(labels: db, containers: [redis])))
    try c.applyService(name: "redis", spec: ServiceSpec(selector: db, ports: [ServicePort(port: 6379)]))
    let app: OrderedDictionary<String, String> = ["app": "counter", "tier": "app"]
    var counter = Container(name: "counter", image: "ghcr.io/subicura/counter:latest")
    counter.env = [EnvVar(name: "REDIS_HOST", value: "redis"), EnvVar(name: "REDIS_PORT", value: "6379")]
    try c.applyDeployment(name: "counter", spec: DeploymentSpec(selector: app, template: PodTemplate(labels: app, containers: [counter])))
    try c.applyService(name: "counter-np", spec: ServiceSpec(type: .nodePort, selector: app, ports: [ServicePort(port: 3000, nodePort: 31000)]))
    try c.applyService(name: "counter-lb", spec: ServiceSpec(type: .loadBalancer, selector: app, ports: [ServicePort(port: 30000, targetPort: .number(3000))]))
    try c.settle()
}

@Suite("Services")
struct NetworkingTests {
    @Test func systemServicesExistFromTheStart() throws {
        let c = Cluster()
        #expect(c.service("kubernetes")?.clusterIP == "10.152.183.1")
        #expect(c.service("kube-dns", namespace: "kube-system")?.clusterIP == "10.152.183.10")
        #expect(c.endpoints("kubernetes")?.ready.map(\.ip) == ["10.0.0.10"])
    }

    @Test func counterFindsRedisByNameAndCounts() throws {
        var c = Cluster()
        try seedServices(&c)
        let answers = (1...5).map { _ in (try? c.request(host: "counter-np", port: 3000, from: "counter").get())?.body }
        #expect(answers == ["1", "2", "3", "4", "5"])
        // The Redis pod is replaced: the new one starts empty.
        let redisPod = try #require(c.pods(matching: [("tier", "db")]).first)
        try c.deletePod(redisPod.name)
        try c.settle()
        #expect(try c.request(host: "n1", port: 31000).get().body == "1")
        #expect(try c.request(host: "n1", port: 31000).get().body == "2")
    }

    @Test func counterFailsClearlyWithoutRedis() throws {
        var c = Cluster()
        try seedServices(&c)
        try c.scaleDeployment("redis", replicas: 0)
        try c.settle()
        let r = try c.request(host: "n1", port: 31000).get()
        #expect(r.status == 500)
        #expect(r.body.hasPrefix("Error: connect ECONNREFUSED 10.152.183."))
        try c.deleteService("redis")
        #expect(try c.request(host: "n1", port: 31000).get().body == "Error: getaddrinfo ENOTFOUND redis")
    }

    @Test func nodePortAnswersOnEveryNodeUntilThatNodeDies() throws {
        var c = Cluster()
        try seedServices(&c)
        let counterNode = try #require(c.pods(matching: [("tier", "app")]).first?.nodeName)
        for node in ["n1", "n2", "n3"] {
            let r = try c.request(host: node, port: 31000).get()
            #expect(r.status == 200 && r.node == counterNode)
        }
        // Fail a node that runs neither pod, so the service stays up elsewhere.
        let busy = Set(c.pods.values.compactMap(\.nodeName))
        let idle = try #require(["n1", "n2", "n3"].first { !busy.contains($0) } ?? ["n1", "n2", "n3"].first { $0 != counterNode })
        try c.failNode(idle)
        let r = c.request(host: idle, port: 31000)
        guard case .failure(let failure) = r else { Issue.record("expected a timeout"); return }
        #expect(failure.kind == .timedOut)
        #expect(failure.message == "Failed to connect to \(idle):31000: Connection timed out")
        for node in ["n1", "n2", "n3"] where node != idle {
            #expect((try? c.request(host: node, port: 31000).get().status) == 200)
        }
    }

    @Test func endpointsDropTheLostPodsAtEviction() throws {
        var c = Cluster()
        try c.applyDeployment(name: "echo", spec: echoSpec(replicas: 3))
        try c.applyService(name: "echo", spec: ServiceSpec(type: .nodePort, selector: ["app": "echo"], ports: [ServicePort(port: 3000, nodePort: 31000)]))
        try c.settle()
        #expect(c.endpoints("echo")?.ready.count == 3)
        let onN2 = c.pods(on: "n2").map(\.podIP)
        try c.failNode("n2")
        try c.advance(by: 50_000)
        // NotReady: the pod on n2 moves to the not-ready addresses.
        #expect(c.endpoints("echo")?.ready.count == 2)
        #expect(c.endpoints("echo")?.notReady.map(\.ip) == onN2)
        try c.advance(by: 300_000)
        // Evicted: gone from the endpoints (its replacement is listed not ready until it starts).
        #expect(c.endpoints("echo")?.notReady.contains { onN2.contains($0.ip) } == false)
        #expect(c.endpoints("echo")?.ready.contains { onN2.contains($0.ip) } == false)
        try c.settle()
        #expect(c.endpoints("echo")?.ready.count == 3)
        #expect(c.endpoints("echo")?.ready.allSatisfy { $0.nodeName != "n2" } == true)
        for _ in 0..<20 { #expect((try? c.request(host: "n1", port: 31000).get().status) == 200) }
        #expect(c.request(host: "n2", port: 31000).failureKind == .timedOut)
    }

    @Test func loadBalancerPendsUntilMetalLBThenFailsOver() throws {
        var c = Cluster()
        try seedServices(&c)
        #expect(c.service("counter-lb")?.loadBalancerIP == nil)
        #expect(c.request(host: "10.64.140.43", port: 30000).failureKind == .unresolved || c.request(host: "10.64.140.43", port: 30000).failureKind == .timedOut)
        try c.enableMetalLB(pools: [AddressPool.parse(range: "10.64.140.43-10.64.140.49")])
        try c.settle()
        let lb = try #require(c.service("counter-lb"))
        #expect(lb.loadBalancerIP == "10.64.140.43")
        let speaker = try #require(lb.announcingNode)
        #expect(try c.request(host: "10.64.140.43", port: 30000).get().status == 200)
        #expect(c.events.contains { $0.reason == "IPAllocated" && $0.message == "Assigned IP [\"10.64.140.43\"]" })
        // The announcing node dies: nobody answers for the address until another speaker takes over.
        let counterNode = c.pods(matching: [("tier", "app")]).first?.nodeName
        try c.failNode(speaker)
        if counterNode != speaker {
            #expect(c.request(host: "10.64.140.43", port: 30000).failureKind == .timedOut)
        }
        try c.advance(by: 10_000)
        let newSpeaker = try #require(c.service("counter-lb")?.announcingNode)
        #expect(newSpeaker != speaker)
        try c.settle()
        let r = try c.request(host: "10.64.140.43", port: 30000).get()
        #expect(r.status == 200 && r.path.contains { $0.contains("announced by \(newSpeaker)") })
    }

    @Test func poolsHandOutAddressesInOrderAndRunOut() throws {
        var c = Cluster()
        try c.enableMetalLB(pools: [AddressPool.parse(range: "10.64.140.43-10.64.140.44")])
        for name in ["a", "b", "c"] {
            try c.applyService(name: name, spec: ServiceSpec(type: .loadBalancer, selector: ["app": name], ports: [ServicePort(port: 80)]))
            try c.settle()
        }
        #expect(c.service("a")?.loadBalancerIP == "10.64.140.43")
        #expect(c.service("b")?.loadBalancerIP == "10.64.140.44")
        #expect(c.service("c")?.loadBalancerIP == nil)
        #expect(c.events.contains { $0.reason == "AllocationFailed" && $0.message == "Failed to allocate IP for \"default/c\": no available IPs" })
        try c.deleteService("a")
        try c.settle()
        #expect(c.service("c")?.loadBalancerIP == "10.64.140.43")
    }

    @Test(arguments: ["192.xxx.xxx.xxx", "10.64.140.49-10.64.140.43", "10.64.140.43", "10.0.0.0/8"])
    func badAddressRangesAreRejected(range: String) {
        #expect(throws: ClusterError.self) { _ = try AddressPool.parse(range: range) }
    }

    @Test func nodePortErrorsUseUpstreamWordsAndChangeNothing() throws {
        var c = Cluster()
        try seedServices(&c)
        let before = c.services
        let np2 = ServiceSpec(type: .nodePort, selector: ["app": "counter"], ports: [ServicePort(port: 3000, nodePort: 31000)])
        #expect(throws: ClusterError.invalid("Service", "counter-np2", field: "spec.ports[0].nodePort", "Invalid value: 31000: provided port is already allocated")) {
            try c.applyService(name: "counter-np2", spec: np2)
        }
        let np80 = ServiceSpec(type: .nodePort, selector: ["app": "counter"], ports: [ServicePort(port: 3000, nodePort: 80)])
        #expect(throws: ClusterError.invalid("Service", "counter-np80", field: "spec.ports[0].nodePort", "Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767")) {
            try c.applyService(name: "counter-np80", spec: np80)
        }
        #expect(c.services == before)
        // Re-applying the owner of 31000 is fine.
        #expect(try c.applyService(name: "counter-np", spec: ServiceSpec(type: .nodePort, selector: ["app": "counter", "tier": "app"], ports: [ServicePort(port: 3000, nodePort: 31000)])) == .unchanged)
        let lbPort = try #require(c.service("counter-lb")?.spec.ports.first?.nodePort)
        #expect((30086...32767).contains(lbPort))
    }

    @Test func aSelectorThatMatchesNothingRefusesConnections() throws {
        var c = Cluster()
        try seedServices(&c)
        try c.applyService(name: "nothing", spec: ServiceSpec(type: .nodePort, selector: ["app": "nope"], ports: [ServicePort(port: 80, nodePort: 30080)]))
        try c.settle()
        #expect(c.endpoints("nothing")?.ready.isEmpty == true)
        let r = c.request(host: "n1", port: 30080)
        #expect(r.failureKind == .refused)
        #expect(c.request(host: "nothing", port: nil).failureKind == .refused)
        #expect(c.proxyRules(on: "n1").contains { $0.contains("default/nothing has no endpoints") && $0.hasSuffix("REJECT --reject-with icmp-port-unreachable") })
    }

    @Test func requestsSpreadOverAllPodsReproducibly() throws {
        func run(seed: UInt64) throws -> [String] {
            var c = Cluster(ClusterConfig(seed: seed))
            try c.applyDeployment(name: "echo", spec: echoSpec(replicas: 4))
            try c.applyService(name: "echo", spec: ServiceSpec(selector: ["app": "echo"], ports: [ServicePort(port: 80, targetPort: .number(3000))]))
            try c.settle()
            return try (0..<100).map { _ in try c.request(host: "echo", port: 80, from: nil).get().pod }
        }
        let first = try run(seed: 5)
        #expect(Set(first).count == 4)
        #expect(try run(seed: 5) == first)
        #expect(try run(seed: 6) != first)
    }

    @Test func dnsNamesAndFailures() throws {
        var c = Cluster()
        try seedServices(&c)
        let ip = try #require(c.service("redis")?.clusterIP)
        for name in ["redis", "redis.default", "redis.default.svc", "redis.default.svc.cluster.local"] {
            #expect(c.resolve(name) == ip)
        }
        #expect(c.resolve("kube-dns.kube-system") == "10.152.183.10")
        #expect(c.resolve("kube-dns") == nil)
        #expect(c.resolve("nothing") == nil)
        guard case .failure(let f) = c.request(host: "nothing", port: 80, from: "counter") else { Issue.record("expected NXDOMAIN"); return }
        #expect(f.kind == .unresolved && f.message == "Could not resolve host: nothing")
        // The echo app answers with its pod and tag; a wrong target port is refused.
        try c.applyDeployment(name: "echo", spec: echoSpec(replicas: 1))
        try c.applyService(name: "echo-wrong", spec: ServiceSpec(selector: ["app": "echo"], ports: [ServicePort(port: 80)]))
        try c.settle()
        let echoIP = try #require(c.pods(matching: [("app", "echo")]).first?.podIP)
        #expect(try c.request(host: echoIP, port: 3000).get().body.hasSuffix("(v1)"))
        #expect(c.request(host: "echo-wrong", port: nil, from: "counter").failureKind == .refused)
    }

    @Test func configMapValuesReachTheEnvironment() throws {
        var c = Cluster()
        var spec = echoSpec(replicas: 1)
        spec.template.containers[0].env = [EnvVar(name: "MODE", configMap: "settings", key: "mode")]
        spec.template.containers[0].envFrom = ["extra"]
        try c.applyDeployment(name: "web", spec: spec)
        try c.settle()
        let pod = try #require(c.pods.values.first)
        #expect(pod.displayStatus == "CreateContainerConfigError")
        try c.applyConfigMap(name: "extra", data: ["COLOR": "blue"])
        try c.applyConfigMap(name: "settings", data: ["mode": "fast"])
        try c.settle()
        let running = try #require(c.pods.values.first)
        #expect(running.displayStatus == "Running")
        #expect(try c.environment(of: running) == ["COLOR": "blue", "MODE": "fast"])
        #expect(try c.applyConfigMap(name: "settings", data: ["mode": "fast"]) == .unchanged)
        try c.deleteConfigMap("settings")
        #expect(throws: ClusterError.notFound("configmaps", "settings")) { try c.deleteConfigMap("settings") }
    }
}

extension Result where Failure == Cluster.RequestFailure {
    var failureKind: Cluster.RequestFailure.Kind? {
        if case .failure(let f) = self { return f.kind }
        return nil
    }
}

/// MetalLB's pools reach the model already read (the manifest reader reads its ConfigMap's YAML).
@Suite("MetalLB ConfigMap")
struct MetalLBConfigMapTests {
    @Test func poolsGivenWithTheConfigMapConfigureMetalLB() throws {
        var c = Cluster()
        let pool = try AddressPool.parse(range: "10.64.140.43-10.64.140.49")
        try c.applyConfigMap(name: "config", namespace: "metallb-system", data: ["config": "..."], metalLBPools: [pool])
        #expect(c.addressPools == [pool] && c.namespaces["metallb-system"] != nil)
        try c.applyService(name: "lb", spec: ServiceSpec(type: .loadBalancer, selector: ["app": "x"], ports: [ServicePort(port: 80)]))
        try c.settle()
        #expect(c.service("lb")?.loadBalancerIP == "10.64.140.43")
    }
}
