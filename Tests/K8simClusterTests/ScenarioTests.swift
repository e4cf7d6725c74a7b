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
    @Test(arguments: [0, 1, 255, 256, 257, 4097, 10_000])
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
    }

    /// A slot map against a dictionary through random inserts, changes and removals, past the
    /// size where its index splits into shards; a copy taken midway stays as it was.
    @Test(arguments: [100, 6000])
    func slotMapAgreesWithADictionary(size: Int) {
        var map = SlotMap<Int>(), model: [String: Int] = [:]
        var set = SlotSet(), setModel: Set<String> = []
        var rng = SplitMix64(seed: 3)
        var copy: (SlotMap<Int>, [String: Int])?
        for step in 0..<(size * 4) {
            let key = "default/pod-\(rng.next() % UInt64(size))"
            switch rng.next() % 4 {
            case 0, 1:
                map[key] = step
                model[key] = step
                set.append(key)
                setModel.insert(key)
            case 2:
                #expect(map.removeValue(forKey: key) == model.removeValue(forKey: key))
                set.remove(key)
                setModel.remove(key)
            default:
                map.modify(key) { $0 += 1 }
                if model[key] != nil { model[key]! += 1 }
            }
            if step == size * 2 { copy = (map, model) }
        }
        #expect(map.count == model.count && set.count == setModel.count)
        for (k, v) in model { #expect(map[k] == v && map.withValue(k) { $0 } == v) }
        #expect(Set(map.keys) == Set(model.keys))
        #expect(Set(set.elements) == setModel && setModel.allSatisfy(set.contains))
        for (i, k) in map.keys.enumerated() { #expect(map.index(forKey: k) == i) }
        if let (old, oldModel) = copy {
            #expect(old.count == oldModel.count)
            for (k, v) in oldModel { #expect(old[k] == v) }
        }
    }

    @Test func chunkedArrayChangesInPlaceAndShrinks() {
        var a = ChunkedArray<Int>()
        for i in 0..<600 { a.append(i) }
        let copy = a
        a[300] = -300
        a.modify(at: 5) { $0 = -5 }
        for _ in 0..<100 { a.removeLast() }
        #expect(a.count == 500 && a[300] == -300 && a[5] == -5 && a.last == 499)
        #expect(copy.count == 600 && copy[300] == 300 && copy[5] == 5)
    }

    @Test func hostBitmapTakesTheLowestFreeAddress() throws {
        var hosts = HostBitmap()
        #expect(hosts.takeLowest(from: 2, through: 254) == 2)
        #expect(hosts.takeLowest(from: 2, through: 254) == 3)
        hosts[2] = false
        #expect(hosts.takeLowest(from: 2, through: 254) == 2)
        for h in 4...254 { #expect(hosts.takeLowest(from: 2, through: 254) == h) }
        #expect(hosts.takeLowest(from: 2, through: 254) == nil)
        hosts[130] = false
        #expect(hosts.takeLowest(from: 2, through: 254) == 130)
    }

    /// Events keep their parts; what they say, and what a saved session holds, is the text.
    @Test func eventsReadAsTheyWereWritten() throws {
        var c = Cluster(ClusterConfig(nodes: 1))
        try c.applyDeployment(name: "echo", spec: echoSpec(replicas: 1))
        try c.settle()
        let messages = c.events.filter { $0.objectKind == "pod" }.map { "\($0.reason): \($0.message)" }
        let pod = try #require(c.pods.values.first).name
        #expect(messages == ["Scheduled: Successfully assigned default/\(pod) to n1", "Pulling: Pulling image \"ghcr.io/subicura/echo:v1\"",
                             "Pulled: Successfully pulled image \"ghcr.io/subicura/echo:v1\" in 1s (1s including waiting)",
                             "Created: Created container: echo", "Started: Started container echo"])
        #expect(c.events.contains { $0.objectKind == "replicaset" && $0.message == "Created pod: \(pod)" })
        let decoded = try JSONDecoder().decode([Event].self, from: JSONEncoder().encode(Array(c.events)))
        #expect(decoded == Array(c.events))
        #expect(decoded.map(\.object) == c.events.map(\.object))
        #expect(c.events.contains { $0.isAbout("pod/\(pod)") } && !c.events.contains { $0.isAbout("pod/\(pod)x") })
    }

    /// The label index is built when a Service first needs it; before and after, a selector
    /// picks the same pods, and the index follows pods made and removed later.
    @Test func labelIndexIsBuiltWhenNeededAndAgreesWithAScan() throws {
        var c = Cluster()
        try c.applyDeployment(name: "echo", spec: echoSpec(replicas: 5))
        try c.settle()
        let selector = [("app", "echo")]
        let scanned = c.pods(matching: selector).map(\.name).sorted()
        #expect(!c.indices.labelIndexBuilt && scanned.count == 5)
        c.ensureLabelIndex()
        #expect(c.indices.labelIndexBuilt && c.pods(matching: selector).map(\.name).sorted() == scanned)
        try c.scaleDeployment("echo", replicas: 2)
        try c.settle()
        let live = c.pods.values.filter { !$0.isTerminating }.map(\.name).sorted()
        #expect(c.pods(matching: selector).map(\.name).sorted() == live && live.count == 2)
        #expect(c.pods(matching: [("app", "echo"), ("tier", "none")]).isEmpty)
    }

    /// The string table against a dictionary: inserts, replacements and removals (which shift
    /// later entries of a probe run back) over keys that share a long prefix, as pod keys do.
    @Test func stringTableAgreesWithADictionary() {
        var table = StringTable(), model: [String: Int] = [:]
        var rng = SplitMix64(seed: 11)
        for step in 0..<40_000 {
            let key = "default/web-7d4b9c8f6-\(rng.next() % 3000)"
            let h = StringTable.hash(key)
            switch rng.next() % 5 {
            case 0, 1: #expect(table.updateValue(step, forKey: key, hash: h) == model.updateValue(step, forKey: key))
            case 2:
                let had = model[key]
                #expect(table.insertIfAbsent(step, forKey: key, hash: h) == had)
                if had == nil { model[key] = step }
            default: #expect(table.removeValue(forKey: key, hash: h) == model.removeValue(forKey: key))
            }
        }
        #expect(table.count == model.count)
        for (k, v) in model { #expect(table.value(forKey: k, hash: StringTable.hash(k)) == v) }
        var seen = 0
        table.forEach { k, h, v in
            seen += 1
            #expect(model[k] == v && h == StringTable.hash(k))
        }
        #expect(seen == model.count)
        // The word-at-a-time hash and the byte-at-a-time one agree, at every length.
        for n in 0..<40 {
            let s = String(repeating: "ab", count: n).prefix(n) + "é"
            #expect(StringTable.hash(String(s)) == StringTable.hash(bytes: Array(String(s).utf8)) | (1 << 63))
        }
    }

    /// The scheduler's queue keeps first-come order and one entry per key through removals,
    /// and is saved as its list of keys.
    @Test func keyQueueKeepsOrderThroughRemovals() throws {
        var q: KeyQueue = ["a", "b", "c"]
        q.append("b")
        q.remove("a")
        q.append("d")
        q.append("a")
        #expect(Array(q) == ["b", "c", "d", "a"] && q.count == 4 && q.contains("a") && !q.isEmpty)
        for k in ["a", "b", "c", "d"] { q.remove(k) }
        #expect(q.isEmpty && Array(q).isEmpty)
        q.append("e")
        #expect(Array(q) == ["e"])
        // A queue that never empties keeps its order through many removals.
        for i in 0..<1000 {
            q.append("k\(i)")
            if i >= 2 { q.remove("k\(i - 2)") }
        }
        #expect(Array(q) == ["e", "k998", "k999"])
    }

    /// Endpoint addresses in numeric order, equal ones in the order they came.
    @Test func endpointAddressesSortNumerically() {
        let ips = ["10.1.1.10", "10.1.1.9", "10.1.2.1", "10.1.1.255", "10.1.1.9"]
        let list = ips.enumerated().map { EndpointAddress(ip: $0.element, podName: "p\($0.offset)", nodeName: nil, ports: [80]) }
        let sorted = Cluster.sortedByIP(list)
        #expect(sorted.map(\.ip) == ["10.1.1.9", "10.1.1.9", "10.1.1.10", "10.1.1.255", "10.1.2.1"])
        #expect(sorted.prefix(2).map(\.podName) == ["p1", "p4"])
    }
}
