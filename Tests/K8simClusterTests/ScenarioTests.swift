import Foundation
import Testing
import OrderedCollections
@testable import K8simCluster

@Suite("Scenarios")
struct ScenarioTests {
    @Test func echoDeployComesUpWithFourPodsSpreadOverThreeNodes() throws {
        var c = Cluster()
        #expect(try c.applyDeployment(name: "echo-deploy", spec: echoSpec()) == .created)
        let took = try c.settle()
        #expect(took == 2000)
        let d = try #require(c.deployment("echo-deploy"))
        #expect(d.status.replicas == 4 && d.status.readyReplicas == 4 && d.status.availableReplicas == 4 && d.status.updatedReplicas == 4)
        #expect(d.status.condition("Progressing")?.reason == "NewReplicaSetAvailable")
        #expect(d.status.condition("Available")?.status == .isTrue)
        #expect(d.meta.annotations[DeploymentUtil.revisionAnnotation] == "1")
        let rss = c.replicaSets(of: d)
        #expect(rss.count == 1)
        let pods = c.pods(of: rss[0])
        #expect(pods.count == 4)
        #expect(pods.allSatisfy { $0.displayStatus == "Running" && $0.name.hasPrefix(rss[0].name + "-") && $0.name.count == rss[0].name.count + 6 })
        let perNode = Dictionary(grouping: pods, by: { $0.nodeName ?? "" }).mapValues(\.count)
        #expect(perNode == ["n1": 2, "n2": 1, "n3": 1])
        #expect(pods.allSatisfy { ($0.podIP ?? "").hasPrefix("10.1.") })
        let messages = c.events.map(\.message)
        #expect(messages.contains("Scaled up replica set \(rss[0].name) from 0 to 4"))
        #expect(messages.filter { $0.hasPrefix("Created pod: ") }.count == 4)
        #expect(messages.contains { $0.hasPrefix("Successfully assigned default/\(rss[0].name)-") && $0.hasSuffix(" to n1") })
    }

    @Test func sameSeedSameCluster() throws {
        func run(_ seed: UInt64) throws -> [String] {
            var c = Cluster(ClusterConfig(seed: seed))
            try c.applyDeployment(name: "echo", spec: echoSpec())
            try c.settle()
            try c.setImage("echo", container: nil, image: "ghcr.io/subicura/echo:v2")
            try c.settle()
            return c.pods.values.map { "\($0.name)@\($0.nodeName ?? "-")" } + c.events.map(\.message)
        }
        #expect(try run(7) == run(7))
        #expect(try run(7) != run(8))
    }
}

@Suite("Rolling updates")
struct RollingUpdateTests {
    /// Drives a rollout instant by instant, checking upstream's bounds at each one.
    func rollout(replicas: Int, surge: IntOrString, unavailable: IntOrString, minReady: Int,
                 maxTotal: Int, minAvailable: Int) throws -> (instants: Int, cluster: Cluster) {
        var c = Cluster()
        try c.applyDeployment(name: "echo-deploy", spec: echoSpec(replicas: replicas, strategy: .rollingUpdate(maxSurge: surge, maxUnavailable: unavailable), minReadySeconds: minReady))
        try c.settle()
        #expect(c.counts("echo-deploy").available == replicas)
        try c.setImage("echo-deploy", container: "echo", image: "ghcr.io/subicura/echo:v2")
        var instants = 0
        try c.reconcile()
        repeat {
            let n = c.counts("echo-deploy")
            #expect(n.total <= maxTotal, "at \(c.now)ms: \(n.total) pods > \(maxTotal)")
            #expect(n.available >= minAvailable, "at \(c.now)ms: \(n.available) available < \(minAvailable)")
            instants += 1
        } while try !c.isSettled && c.step()
        let d = try #require(c.deployment("echo-deploy"))
        #expect(d.status.updatedReplicas == replicas && d.status.availableReplicas == replicas && d.status.replicas == replicas)
        #expect(c.counts("echo-deploy") == (replicas, replicas, replicas, 0))
        return (instants, c)
    }

    @Test func seedStrategyFragment() throws {
        // maxSurge 3, maxUnavailable 3, minReadySeconds 5, four replicas.
        let (instants, c) = try rollout(replicas: 4, surge: .int(3), unavailable: .int(3), minReady: 5, maxTotal: 7, minAvailable: 1)
        #expect(instants > 3)
        let rss = c.replicaSets(of: try #require(c.deployment("echo-deploy")))
        #expect(rss.count == 2)
        #expect(rss.allSatisfy { $0.minReadySeconds == 5 })
    }

    @Test func defaultTwentyFivePercent() throws {
        _ = try rollout(replicas: 4, surge: .string("25%"), unavailable: .string("25%"), minReady: 0, maxTotal: 5, minAvailable: 3)
        _ = try rollout(replicas: 10, surge: .string("25%"), unavailable: .string("25%"), minReady: 0, maxTotal: 13, minAvailable: 8)
    }

    @Test func surgeOnlyAndUnavailableOnly() throws {
        _ = try rollout(replicas: 3, surge: .int(1), unavailable: .int(0), minReady: 2, maxTotal: 4, minAvailable: 3)
        _ = try rollout(replicas: 10, surge: .int(0), unavailable: .string("20%"), minReady: 0, maxTotal: 10, minAvailable: 8)
    }

    @Test func firstStepsMatchUpstreamOrder() throws {
        // replicas 10, 25%/25% (surge 3, unavailable 2). At the instant of the change no new
        // pod is available: the new RS surges to 3, the old drops to minAvailable 8, and the
        // room that frees lets the new RS grow to 5 (13 pods in all) — then it waits.
        var c = Cluster()
        try c.applyDeployment(name: "web", spec: echoSpec(replicas: 10))
        try c.settle()
        try c.setImage("web", container: nil, image: "ghcr.io/subicura/echo:v2")
        try c.reconcile()
        let scaling = c.events.filter { $0.reason == "ScalingReplicaSet" }.map(\.message).dropFirst()
        #expect(Array(scaling).map { $0.replacingOccurrences(of: #"web-[a-z0-9]+ "#, with: "", options: .regularExpression) }
            == ["Scaled up replica set from 0 to 3", "Scaled down replica set from 10 to 8", "Scaled up replica set from 3 to 5"])
        #expect(c.counts("web").total == 13)
    }

    @Test func recreateStopsEverythingFirst() throws {
        var c = Cluster()
        try c.applyDeployment(name: "redis", spec: echoSpec(image: "redis", replicas: 2, strategy: .recreate))
        try c.settle()
        try c.setImage("redis", container: nil, image: "redis:7")
        try c.reconcile()
        var sawBoth = false
        repeat {
            let n = c.counts("redis")
            if n.new > 0 && n.old > 0 { sawBoth = true }
            let terminatingOld = c.pods.values.filter { $0.isTerminating }.count
            if n.new > 0 { #expect(terminatingOld == 0) }
        } while try !c.isSettled && c.step()
        #expect(!sawBoth)
        #expect(c.counts("redis") == (2, 2, 2, 0))
    }
}

@Suite("Indices")
struct IndexTests {
    @Test func labelAndNodeIndicesFollowPodsAsTheyComeAndGo() throws {
        var c = Cluster()
        try c.applyDeployment(name: "echo", spec: echoSpec(replicas: 3))
        var redis = echoSpec(image: "redis", replicas: 1)
        redis.selector = ["app": "redis"]
        redis.template.labels = ["app": "redis"]
        try c.applyDeployment(name: "redis", spec: redis)
        try c.settle()
        #expect(c.pods(matching: [("app", "echo")]).count == 3)
        #expect(c.pods(matching: [("app", "echo"), ("tier", "app")]).count == 3)
        #expect(c.pods(matching: [("app", "redis")]).count == 1)
        #expect(c.pods(matching: [("app", "nothing")]).isEmpty)
        let usage = c.nodes.values.reduce(0) { $0 + $1.usage.pods }
        #expect(usage == 4)
        try c.scaleDeployment("echo", replicas: 1)
        try c.settle()
        #expect(c.pods(matching: [("app", "echo")]).count == 1)
        #expect(c.nodes.values.reduce(0) { $0 + $1.usage.pods } == 2)
        #expect(c.nodes.values.allSatisfy { c.pods(on: $0.name).count == $0.usage.pods })
    }
}

@Suite("Settling")
struct SettleTests {
    @Test func settleStopsAtItsBoundWithAClearError() throws {
        var c = Cluster()
        try c.applyDeployment(name: "echo", spec: echoSpec())
        try c.settle()
        try c.failNode("n2")
        #expect(throws: Cluster.SettleError(description: "the cluster was still changing after 10s of virtual time; use wait to move time in steps")) {
            try c.settle(limit: 10_000)
        }
        // Nothing was lost: settling without the bound finishes the story.
        let took = try c.settle()
        #expect(took == 351_000)  // eviction at 5m50s; replacements start a second later (image cached)
        #expect(c.pods.values.filter { !$0.isTerminating }.allSatisfy { $0.nodeName != "n2" })
    }

    @Test func backgroundRetriesDoNotKeepSettleRunning() throws {
        var c = Cluster()
        c.setImageAvailable("broken:1", false)
        var spec = echoSpec(image: "broken:1", replicas: 1)
        spec.progressDeadlineSeconds = nil
        try c.applyDeployment(name: "b", spec: spec)
        let took = try c.settle()
        #expect(took == 1000)
        #expect(c.pods.values.first?.displayStatus == "ErrImagePull")
        #expect(c.clock.pendingCount > 0)
    }
}

@Suite("Stores")
struct StoreTests {
    @Test(arguments: [0, 1, 4095, 4096, 4097, 10_000])
    func chunkedArrayKeepsOrderAcrossChunksAndCopiesApart(count: Int) throws {
        var a = ChunkedArray<Int>()
        for i in 0..<count { a.append(i) }
        #expect(a.count == count)
        #expect(Array(a) == Array(0..<count))
        // A copy taken before more appends does not see them (the undo copy relies on it).
        let copy = a
        a.append(-1)
        #expect(copy.count == count && a.count == count + 1)
        #expect(a.last == -1 && copy.last == (count == 0 ? nil : count - 1))
        let decoded = try JSONDecoder().decode(ChunkedArray<Int>.self, from: JSONEncoder().encode(a))
        #expect(decoded == a)
    }
}
