import Foundation
import Testing
import OrderedCollections
@testable import K8simCluster

/// Random sequences of operations, with the invariants that must hold after every instant.
@Suite("Random operations")
struct PropertyTests {
    enum Op: CustomStringConvertible {
        case deploy(String, Int, Int), scale(String, Int), image(String, Int), undo(String), pause(String), resume(String)
        case fail(String), recover(String), cordon(String), uncordon(String), deletePod(Int), advance(Millis), settle

        var description: String {
            switch self {
            case .deploy(let n, let r, let s): return "deploy \(n) replicas \(r) surge \(s)"
            case .scale(let n, let r): return "scale \(n) \(r)"
            case .image(let n, let v): return "image \(n) v\(v)"
            case .undo(let n): return "undo \(n)"
            case .pause(let n): return "pause \(n)"
            case .resume(let n): return "resume \(n)"
            case .fail(let n): return "fail \(n)"
            case .recover(let n): return "recover \(n)"
            case .cordon(let n): return "cordon \(n)"
            case .uncordon(let n): return "uncordon \(n)"
            case .deletePod(let i): return "delete pod #\(i)"
            case .advance(let ms): return "advance \(ms)ms"
            case .settle: return "settle"
            }
        }
    }

    static func randomOps(_ rng: inout SplitMix64, count: Int) -> [Op] {
        let names = ["a", "b"], nodes = ["n1", "n2", "n3"]
        func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }
        func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + Int(rng.next() % UInt64(r.count)) }
        var ops: [Op] = [.deploy("a", int(1...6), int(0...3))]
        for _ in 0..<count {
            switch int(0...12) {
            case 0: ops.append(.deploy(pick(names), int(0...8), int(0...3)))
            case 1: ops.append(.scale(pick(names), int(0...10)))
            case 2, 3: ops.append(.image(pick(names), int(1...4)))
            case 4: ops.append(.undo(pick(names)))
            case 5: ops.append(.pause(pick(names)))
            case 6: ops.append(.resume(pick(names)))
            case 7: ops.append(.fail(pick(nodes)))
            case 8: ops.append(.recover(pick(nodes)))
            case 9: ops.append(Bool.random(using: &rng) ? .cordon(pick(nodes)) : .uncordon(pick(nodes)))
            case 10: ops.append(.deletePod(int(0...20)))
            case 11: ops.append(.advance(Millis(int(0...400)) * 1000))
            default: ops.append(.settle)
            }
        }
        return ops
    }

    /// What the checks need to remember across instants.
    struct Context {
        /// Replicas and strategy of each deployment when it last completed: while they stay
        /// the same, a change is a pure rollout and upstream's bounds hold at every instant.
        var settledShape: [String: (replicas: Int, strategy: DeploymentStrategy)] = [:]
        /// A node failed, or a pod was deleted: availability may drop for reasons a rollout
        /// does not control.
        var disrupted = false
        /// How many instants the rollout bounds were checked at.
        var surgeChecks = 0
        var availabilityChecks = 0
        /// Whether to compare each service's endpoints with a rebuild from all its pods, and
        /// what was found.
        var checkEndpoints = false
        var endpointChecks = 0
        var endpointMismatches: [String] = []
    }

    /// Applies one operation; requests the API rejects are part of the game.
    static func apply(_ op: Op, to c: inout Cluster, _ ctx: inout Context) throws {
        switch op {
        case .deploy(let n, let r, let s):
            let spec = echoSpec(image: "echo:v1", replicas: r, strategy: .rollingUpdate(maxSurge: .int(s), maxUnavailable: .int(1)))
            _ = try? c.applyDeployment(name: n, spec: spec)
        case .scale(let n, let r): try? c.scaleDeployment(n, replicas: r)
        case .image(let n, let v): try? c.setImage(n, container: nil, image: "echo:v\(v)")
        case .undo(let n): _ = try? c.rollback(n)
        case .pause(let n): _ = try? c.pauseDeployment(n)
        case .resume(let n): _ = try? c.resumeDeployment(n)
        case .fail(let n):
            try? c.failNode(n)
            ctx.disrupted = true
        case .recover(let n): try? c.recoverNode(n)
        case .cordon(let n): try? c.cordon(n)
        case .uncordon(let n): try? c.uncordon(n)
        case .deletePod(let i):
            let live = c.pods.values.filter { !$0.isTerminating }
            if !live.isEmpty { try? c.deletePod(live[i % live.count].name) }
            ctx.disrupted = true
        case .advance, .settle: break
        }
        try c.reconcile()
        try check(c, after: op, &ctx)
        switch op {
        case .advance(let ms):
            let end = c.now + ms
            while let due = c.clock.nextDue, due <= end {
                _ = try c.step()
                try check(c, after: op, &ctx)
            }
            try c.advance(by: end - c.now)
        case .settle:
            while !c.isSettled {
                _ = try c.step()
                try check(c, after: op, &ctx)
            }
        default: break
        }
    }

    /// Each service the Endpoints controller has caught up with (no pod changes pending, not
    /// to be rebuilt) holds what a rebuild from all its pods gives.
    static func checkEndpoints(_ c: Cluster, after op: Op, _ ctx: inout Context) {
        var copy = c
        for (key, s) in c.services {
            guard key != Cluster.coreDNSService, let selector = s.spec.selector, let e = c.endpointsByService[key],
                  c.endpointsController.changes[key]?.isEmpty ?? true, !c.endpointsController.stale.contains(key) else { continue }
            let full = copy.endpointAddresses(s, selector)
            ctx.endpointChecks += 1
            if full.ready != e.ready || full.notReady != e.notReady {
                ctx.endpointMismatches.append("\(key) at \(c.now) after \(op): \(e.ready.map(\.ip)) / \(e.notReady.map(\.ip)) against \(full.ready.map(\.ip)) / \(full.notReady.map(\.ip))")
            }
        }
    }

    struct Violation: Error, CustomStringConvertible {
        var description: String
    }

    /// What must hold at every instant, whatever was done.
    static func check(_ c: Cluster, after op: Op, _ ctx: inout Context) throws {
        if ctx.checkEndpoints { checkEndpoints(c, after: op, &ctx) }
        for d in c.deployments.values {
            let rss = c.replicaSets(of: d)
            let specTotal = rss.reduce(0) { $0 + $1.replicas }
            let live = rss.flatMap { c.pods(of: $0) }.filter { !$0.isTerminating }
            // ReplicaSets never run more pods than they ask for.
            if live.count > specTotal {
                throw Violation(description: "\(d.name): \(live.count) pods for \(specTotal) asked, after \(op)")
            }
            let complete = DeploymentUtil.deploymentComplete(d, d.status)
            if complete { ctx.settledShape[d.name] = (d.spec.replicas, d.spec.strategy) }
            guard let shape = ctx.settledShape[d.name], shape.replicas == d.spec.replicas, shape.strategy == d.spec.strategy,
                  !d.spec.paused else { continue }
            // A pure rollout: at most replicas + maxSurge pods...
            let maxTotal = d.spec.replicas + DeploymentUtil.maxSurge(d.spec)
            ctx.surgeChecks += 1
            if !ctx.disrupted { ctx.availabilityChecks += 1 }
            if live.count > maxTotal || specTotal > maxTotal {
                throw Violation(description: "\(d.name): \(live.count) pods (\(specTotal) asked) > \(maxTotal) after \(op)")
            }
            // ...and, undisturbed, at least replicas - maxUnavailable available.
            let available = live.filter { $0.isAvailable(minReadySeconds: d.spec.minReadySeconds, now: c.now) }.count
            let minAvailable = d.spec.replicas - DeploymentUtil.maxUnavailable(d.spec)
            if !ctx.disrupted && available < minAvailable {
                throw Violation(description: "\(d.name): \(available) available < \(minAvailable) after \(op) at \(c.now)ms")
            }
        }
        for rs in c.replicaSets.values {
            for p in c.pods(of: rs) where !rs.selector.selects(p.meta.labels) {
                throw Violation(description: "pod \(p.name) does not match the selector of \(rs.name)")
            }
            // The running counts the pod store keeps agree with a walk over the pods.
            var walked = OwnerPodCounts()
            for p in c.pods(of: rs) { walked.add(OwnerPodCounts(p), 1) }
            if c.pods.counts(ofOwner: rs.meta.uid) != walked {
                throw Violation(description: "counts of \(rs.name) drifted: \(c.pods.counts(ofOwner: rs.meta.uid)) != \(walked)")
            }
        }
        for node in c.nodes.values {
            let pods = c.pods(on: node.name)
            if pods.count > node.maxPods { throw Violation(description: "\(node.name) holds \(pods.count) pods") }
            let cpu = pods.reduce(Int64(0)) { $0 + $1.template.cpuMillis }
            if cpu > node.cpuMillis { throw Violation(description: "\(node.name) is over its cpu") }
            if pods.contains(where: { $0.nodeName != node.name }) { throw Violation(description: "index of \(node.name) is wrong") }
        }
        for p in c.pods.values where p.nodeName != nil && c.nodes[p.nodeName ?? ""] == nil {
            throw Violation(description: "pod \(p.name) is bound to a missing node")
        }
    }

    /// The state in a comparable form: objects and events.
    static func fingerprint(_ c: Cluster) -> [String] {
        c.pods.values.map { "\($0.name) \($0.nodeName ?? "-") \($0.displayStatus) \($0.podIP ?? "-")" }
            + c.replicaSets.values.map { "\($0.name) \($0.replicas) \($0.status.availableReplicas)" }
            + c.events.map { "\($0.time) \($0.reason) \($0.message)" } + ["\(c.now)"]
    }

    @Test func twoHundredRandomSequencesKeepTheInvariants() throws {
        var seeds = SplitMix64(seed: 2026)
        var surgeChecks = 0, availabilityChecks = 0
        for run in 0..<200 {
            let seed = seeds.next()
            var rng = SplitMix64(seed: seed)
            let ops = Self.randomOps(&rng, count: 25)
            var c = Cluster(ClusterConfig(seed: seed))
            var ctx = Context()
            do {
                for op in ops { try Self.apply(op, to: &c, &ctx) }
                for n in ["n1", "n2", "n3"] { try? c.recoverNode(n); try? c.uncordon(n) }
                for name in ["a", "b"] { _ = try? c.resumeDeployment(name) }
                try c.settle()
                // Once the nodes are back and nothing is paused, every deployment is complete.
                for d in c.deployments.values {
                    #expect(DeploymentUtil.deploymentComplete(d, d.status), "run \(run): \(d.name) is not complete: \(d.status)")
                }
                surgeChecks += ctx.surgeChecks
                availabilityChecks += ctx.availabilityChecks
            } catch {
                Issue.record("run \(run) (seed \(seed)): \(error)\n\(ops.map(\.description).joined(separator: "; "))")
            }
            // The same seed and operations give the same cluster.
            if run % 4 == 0 {
                var again = Cluster(ClusterConfig(seed: seed))
                var ctx2 = Context()
                for op in ops { try? Self.apply(op, to: &again, &ctx2) }
                for n in ["n1", "n2", "n3"] { try? again.recoverNode(n); try? again.uncordon(n) }
                for name in ["a", "b"] { _ = try? again.resumeDeployment(name) }
                try again.settle()
                #expect(Self.fingerprint(again) == Self.fingerprint(c), "run \(run) is not reproducible")
            }
        }
        // The bounds were really exercised, not skipped.
        #expect(surgeChecks > 2000 && availabilityChecks > 500, "\(surgeChecks) surge checks, \(availabilityChecks) availability checks")
    }

    /// A Service over the deployments of random sequences: its endpoints, kept by applying each
    /// pod's change, match a rebuild from all its pods at every sync and at the end.
    @Test func endpointsFollowEveryPodChange() throws {
        var seeds = SplitMix64(seed: 77)
        var syncsChecked = 0
        for run in 0..<100 {
            let seed = seeds.next()
            var rng = SplitMix64(seed: seed)
            let ops = Self.randomOps(&rng, count: 25)
            var c = Cluster(ClusterConfig(seed: seed))
            try c.applyService(name: "echo", spec: ServiceSpec(selector: ["app": "echo"], ports: [ServicePort(port: 80)]))
            var ctx = Context()
            ctx.checkEndpoints = true
            for op in ops { try? Self.apply(op, to: &c, &ctx) }
            try c.settle()
            #expect(ctx.endpointMismatches.isEmpty, "run \(run) (seed \(seed)): \(ctx.endpointMismatches.prefix(2))")
            let e = try #require(c.endpointsByService["default/echo"])
            let spec = try #require(c.services["default/echo"]?.spec)
            let full = c.endpointAddresses(try #require(c.services["default/echo"]), try #require(spec.selector))
            #expect(e.ready == full.ready && e.notReady == full.notReady, "run \(run): endpoints differ from a rebuild")
            #expect(e.ready.count == c.pods.values.filter { $0.isReady && !$0.isTerminating }.count)
            syncsChecked += ctx.endpointChecks
        }
        #expect(syncsChecked > 1000, "only \(syncsChecked) incremental syncs were checked")
    }

    /// Going back to a snapshot (the undo of a failed `wait` or `expect`) rebuilds the indices;
    /// saving and loading rebuilds every controller's state. Either way the cluster goes on
    /// exactly as one that was never touched: same pods, addresses, events and times.
    @Test func undoAndReloadGoOnAsBefore() throws {
        var seeds = SplitMix64(seed: 91)
        for run in 0..<60 {
            let seed = seeds.next()
            var rng = SplitMix64(seed: seed)
            let first = Self.randomOps(&rng, count: 15), undone = Self.randomOps(&rng, count: 8), then = Self.randomOps(&rng, count: 15)
            var c = Cluster(ClusterConfig(seed: seed))
            try c.applyService(name: "echo", spec: ServiceSpec(selector: ["app": "echo"], ports: [ServicePort(port: 80)]))
            var ctx = Context()
            for op in first { try? Self.apply(op, to: &c, &ctx) }
            var untouched = c
            var reloaded = try JSONDecoder().decode(Cluster.self, from: JSONEncoder().encode(c))
            let snapshot = c.snapshot()
            for op in undone { try? Self.apply(op, to: &c, &ctx) }
            c.restore(snapshot)
            var ctx1 = Context(), ctx2 = Context(), ctx3 = Context()
            for op in then {
                try? Self.apply(op, to: &c, &ctx1)
                try? Self.apply(op, to: &untouched, &ctx2)
                try? Self.apply(op, to: &reloaded, &ctx3)
            }
            try c.settle()
            try untouched.settle()
            try reloaded.settle()
            #expect(Self.fingerprint(c) == Self.fingerprint(untouched), "run \(run) (seed \(seed)): the undone cluster went on otherwise")
            #expect(Self.fingerprint(reloaded) == Self.fingerprint(untouched), "run \(run) (seed \(seed)): the reloaded cluster went on otherwise")
            #expect(reloaded.endpointsByService == untouched.endpointsByService, "run \(run): endpoints differ after a reload")
        }
    }

}
