import Foundation
import Testing
import OrderedCollections
@testable import K8simCluster

@Suite("Revisions and undo")
struct RevisionTests {
    func revisions(_ c: Cluster, _ name: String) throws -> [Int] { try c.history(of: name).map(\.revision) }

    @Test func historyUndoAndUndoToRevisionTwo() throws {
        var c = Cluster()
        try c.applyDeployment(name: "echo-deploy", spec: echoSpec())
        try c.settle()
        try c.setImage("echo-deploy", container: "echo", image: "ghcr.io/subicura/echo:v2")
        try c.settle()
        #expect(try revisions(c, "echo-deploy") == [1, 2])
        // Undo goes back one: the v1 ReplicaSet comes back as revision 3.
        #expect(try c.rollback("echo-deploy") == .rolledBack)
        try c.settle()
        #expect(try revisions(c, "echo-deploy") == [2, 3])
        var d = try #require(c.deployment("echo-deploy"))
        #expect(d.spec.template.containers[0].image == "ghcr.io/subicura/echo:v1")
        #expect(d.meta.annotations[DeploymentUtil.revisionAnnotation] == "3")
        let v1 = try #require(c.replicaSets(of: d).first { $0.template.containers[0].image.hasSuffix(":v1") })
        #expect(v1.meta.annotations[DeploymentUtil.revisionHistoryAnnotation] == "1")
        // Undo to revision 2: the v2 ReplicaSet comes back as revision 4.
        #expect(try c.rollback("echo-deploy", toRevision: 2) == .rolledBack)
        try c.settle()
        #expect(try revisions(c, "echo-deploy") == [3, 4])
        d = try #require(c.deployment("echo-deploy"))
        #expect(d.spec.template.containers[0].image == "ghcr.io/subicura/echo:v2")
        #expect(c.counts("echo-deploy") == (4, 4, 4, 0))
        // Upstream's words for a revision that is not there, and for rolling back to the current one.
        #expect(throws: ClusterError.refused("unable to find specified revision 9 in history")) { _ = try c.rollback("echo-deploy", toRevision: 9) }
        #expect(try c.rollback("echo-deploy", toRevision: 4) == .skipped(revision: 4))
    }

    @Test func undoReusesOldReplicaSetWithNewHigherRevision() throws {
        // K8S-FACTS §5 [DER]: revisions {1, 2, 3}, undo to 2 → it becomes 4; history lists 1, 3, 4.
        var c = Cluster()
        for tag in ["v1", "v2", "v3"] {
            try c.applyDeployment(name: "web", spec: echoSpec(image: "echo:\(tag)"))
            try c.settle()
        }
        #expect(try revisions(c, "web") == [1, 2, 3])
        _ = try c.rollback("web", toRevision: 2)
        try c.settle()
        #expect(try revisions(c, "web") == [1, 3, 4])
    }

    @Test func noHistoryAndPausedRollbackErrors() throws {
        var c = Cluster()
        try c.applyDeployment(name: "one", spec: echoSpec())
        try c.settle()
        #expect(throws: ClusterError.refused("no rollout history found for deployment \"one\"")) { _ = try c.rollback("one") }
        try c.pauseDeployment("one")
        #expect(throws: ClusterError.refused("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/one' and try again")) {
            _ = try c.rollback("one")
        }
        #expect(throws: ClusterError.notFound("deployments.apps", "nope")) { _ = try c.rollback("nope") }
    }

    @Test func historyIsCleanedToTheLimit() throws {
        var c = Cluster()
        var spec = echoSpec(replicas: 2)
        spec.revisionHistoryLimit = 2
        for i in 1...6 {
            spec.template.containers[0].image = "echo:v\(i)"
            try c.applyDeployment(name: "web", spec: spec)
            try c.settle()
        }
        #expect(try revisions(c, "web") == [4, 5, 6])
        #expect(c.replicaSets.count == 3)
    }

    @Test func changeCauseIsCopiedToTheReplicaSet() throws {
        var c = Cluster()
        try c.applyDeployment(name: "web", spec: echoSpec(), annotations: [DeploymentUtil.changeCauseAnnotation: "first"])
        try c.settle()
        #expect(try c.history(of: "web").map(\.changeCause) == ["first"])
    }
}

@Suite("Nodes")
struct NodeTests {
    @Test func failedNodeIsNotReadyAfterFiftySecondsAndEvictedFiveMinutesLater() throws {
        var c = Cluster()
        try c.applyDeployment(name: "echo", spec: echoSpec(replicas: 6))
        try c.settle()
        let onN2 = c.pods(on: "n2").map(\.name)
        #expect(onN2.count == 2)
        try c.failNode("n2")
        let failedAt = c.now
        try c.advance(by: 49_000)
        #expect(c.nodes["n2"]?.isReady == true)
        try c.advance(by: 1000)
        #expect(c.nodes["n2"]?.ready.status == .unknown)
        #expect(c.nodes["n2"]?.taints.map(\.key) == [Taint.unreachable, Taint.unreachable])
        #expect(c.events.contains { $0.reason == "NodeNotReady" && $0.message == "Node n2 status is now: NodeNotReady" })
        // Not ready, so not available; not evicted yet.
        #expect(onN2.allSatisfy { c.pod($0)?.isReady == false && c.pod($0)?.isTerminating == false })
        #expect(c.counts("echo").total == 6)
        try c.advance(by: 299_000)
        #expect(onN2.allSatisfy { c.pod($0)?.isTerminating == false })
        #expect(c.now - failedAt == 349_000)
        try c.advance(by: 1000)
        #expect(c.now - failedAt == 350_000)  // 5m50s
        #expect(onN2.allSatisfy { c.pod($0)?.isTerminating == true && c.pod($0)?.displayStatus == "Terminating" })
        #expect(c.events.filter { $0.reason == "TaintManagerEviction" }.count == 2)
        try c.settle()
        let d = try #require(c.deployment("echo"))
        #expect(d.status.availableReplicas == 6)
        let live = c.pods.values.filter { !$0.isTerminating }
        #expect(live.count == 6 && live.allSatisfy { $0.nodeName == "n1" || $0.nodeName == "n3" })
        // Back again: the evicted pods finish terminating; nothing moves back by itself.
        try c.recoverNode("n2")
        try c.settle()
        #expect(c.nodes["n2"]?.isReady == true && c.nodes["n2"]?.taints.isEmpty == true)
        #expect(c.pods.count == 6)
    }

    @Test func recoveringBeforeTheGracePeriodChangesNothing() throws {
        var c = Cluster()
        try c.applyDeployment(name: "echo", spec: echoSpec())
        try c.settle()
        try c.failNode("n1")
        try c.advance(by: 30_000)
        try c.recoverNode("n1")
        #expect(c.isSettled)
        try c.advance(by: 600_000)
        #expect(c.nodes["n1"]?.isReady == true)
        #expect(!c.events.contains { $0.reason == "NodeNotReady" })
    }

    @Test func cordonDrainAndUnschedulableMessage() throws {
        var c = Cluster()
        try c.cordon("n1")
        try c.cordon("n2")
        try c.cordon("n3")
        try c.applyDeployment(name: "echo", spec: echoSpec(replicas: 1))
        try c.settle()
        let pod = try #require(c.pods.values.first)
        #expect(pod.nodeName == nil && pod.displayStatus == "Pending")
        #expect(pod.unschedulableMessage == "0/3 nodes are available: 3 node(s) were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")
        try c.uncordon("n2")
        try c.settle()
        #expect(c.pods.values.first?.nodeName == "n2")
        try c.uncordon("n1")
        let evicted = try c.drain("n2")
        #expect(evicted.count == 1)
        try c.settle()
        #expect(c.pods.values.map(\.nodeName) == ["n1"])
        #expect(c.nodes["n2"]?.unschedulable == true)
    }

    @Test func resourcesLimitWhatFits() throws {
        var c = Cluster(ClusterConfig(nodes: 2, cpuMillis: 1000))
        var spec = echoSpec(replicas: 3)
        spec.template.containers[0].cpuMillis = 600
        try c.applyDeployment(name: "big", spec: spec)
        try c.settle()
        let pending = c.pods.values.filter { $0.nodeName == nil }
        #expect(pending.count == 1)
        #expect(pending.first?.unschedulableMessage?.hasPrefix("0/2 nodes are available: 2 Insufficient cpu.") == true)
        try c.addNode(name: "n3", cpuMillis: 1000)
        try c.settle()
        #expect(c.pods.values.allSatisfy { $0.nodeName != nil })
    }

    @Test func removingANodeReschedulesItsPods() throws {
        var c = Cluster()
        try c.applyDeployment(name: "echo", spec: echoSpec(replicas: 3))
        try c.settle()
        try c.removeNode("n3")
        try c.settle()
        #expect(c.pods.values.allSatisfy { $0.nodeName == "n1" || $0.nodeName == "n2" })
        #expect(c.pods.count == 3)
        #expect(throws: ClusterError.notFound("nodes", "n3")) { try c.failNode("n3") }
    }
}

@Suite("Kubelet")
struct KubeletTests {
    @Test func brokenImageStallsTheRolloutUntilTheProgressDeadline() throws {
        var c = Cluster()
        try c.applyDeployment(name: "web", spec: echoSpec(image: "nginx:1.25"))
        try c.settle()
        c.setImageAvailable("nginx:bad", false)
        try c.setImage("web", container: nil, image: "nginx:bad")
        try c.advance(by: 1000)
        let bad = c.pods.values.filter { $0.template.containers[0].image == "nginx:bad" }
        // Surge 1 and unavailable 1: one new pod, one old pod gone, a second new pod.
        #expect(bad.count == 2)
        #expect(bad.allSatisfy { $0.displayStatus == "ErrImagePull" || $0.displayStatus == "ContainerCreating" })
        try c.advance(by: 1000)
        #expect(c.pod(bad[0].name)?.displayStatus == "ImagePullBackOff")
        let took = try c.settle()
        // Stalled: three old pods still serve; the deadline (600s) has passed.
        let d = try #require(c.deployment("web"))
        #expect(d.status.condition("Progressing")?.reason == "ProgressDeadlineExceeded")
        #expect(d.status.condition("Progressing")?.status == .isFalse)
        // The deadline counts from the last progress, two seconds before `settle` began.
        #expect(took > 590_000 && took < 610_000)
        #expect(c.counts("web").available == 3)
        // The image comes back: the next retry pulls it and the rollout finishes.
        c.setImageAvailable("nginx:bad", true)
        try c.advance(by: 301_000)
        try c.settle()
        #expect(c.counts("web") == (4, 4, 4, 0))
        #expect(c.deployment("web")?.status.condition("Progressing")?.reason == "NewReplicaSetAvailable")
    }

    @Test func crashRestartsWithBackOff() throws {
        var c = Cluster()
        try c.applyDeployment(name: "web", spec: echoSpec(replicas: 1))
        try c.settle()
        let name = try #require(c.pods.values.first?.name)
        try c.crashPod(name)
        #expect(c.pod(name)?.displayStatus == "CrashLoopBackOff")
        try c.advance(by: 9000)
        #expect(c.pod(name)?.isReady == false)
        try c.advance(by: 1000)
        #expect(c.pod(name)?.displayStatus == "Running" && c.pod(name)?.restarts == 1)
        try c.crashPod(name)
        try c.advance(by: 19_000)
        #expect(c.pod(name)?.isReady == false)
        try c.advance(by: 1000)
        #expect(c.pod(name)?.restarts == 2 && c.pod(name)?.isReady == true)
        #expect(c.backOffDelay(10) == 300_000)
    }

    @Test func secondPodOfAnImageOnANodeNeedsNoPull() throws {
        var c = Cluster(ClusterConfig(nodes: 1))
        try c.applyDeployment(name: "web", spec: echoSpec(replicas: 1))
        try c.settle()
        try c.scaleDeployment("web", replicas: 2)
        #expect(try c.settle() == 1000)
        #expect(c.events.contains { $0.message == "Container image \"ghcr.io/subicura/echo:v1\" already present on machine" })
    }
}

@Suite("API")
struct APITests {
    @Test(arguments: [
        (DeploymentStrategy.rollingUpdate(maxSurge: .int(0), maxUnavailable: .int(0)), "The Deployment \"web\" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"),
        (.rollingUpdate(maxSurge: .string("0%"), maxUnavailable: .string("0%")), "The Deployment \"web\" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"),
        (.rollingUpdate(maxSurge: .int(1), maxUnavailable: .string("150%")), "The Deployment \"web\" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"150%\": must not be greater than 100%"),
    ])
    func invalidStrategiesAreRejectedAndChangeNothing(strategy: DeploymentStrategy, message: String) throws {
        var c = Cluster()
        try c.applyDeployment(name: "web", spec: echoSpec())
        try c.settle()
        let before = c
        let error = #expect(throws: ClusterError.self) { try c.applyDeployment(name: "web", spec: echoSpec(strategy: strategy)) }
        #expect(error?.message == message)
        #expect(c.deployments == before.deployments && c.replicaSets == before.replicaSets && c.pods == before.pods)
        let fresh = message.replacingOccurrences(of: "\"web\"", with: "\"fresh\"")
        let freshError = #expect(throws: ClusterError.self) { try c.applyDeployment(name: "fresh", spec: echoSpec(strategy: strategy)) }
        #expect(freshError?.message == fresh)
        #expect(c.deployment("fresh") == nil)
    }

    @Test func selectorMustMatchAndIsImmutable() throws {
        var c = Cluster()
        var spec = echoSpec()
        spec.selector = ["app": "other"]
        #expect(throws: ClusterError.self) { try c.applyDeployment(name: "web", spec: spec) }
        try c.applyDeployment(name: "web", spec: echoSpec())
        var changed = echoSpec()
        changed.selector = ["app": "echo"]
        #expect(throws: ClusterError.self) { try c.applyDeployment(name: "web", spec: changed) }
        #expect(try c.applyDeployment(name: "web", spec: echoSpec()) == .unchanged)
        #expect(throws: ClusterError.refused("unable to find container named \"nope\"")) {
            try c.setImage("web", container: "nope", image: "x:1")
        }
    }

    @Test func scalingDuringARolloutIsProportional() throws {
        var c = Cluster()
        try c.applyDeployment(name: "web", spec: echoSpec(replicas: 10))
        try c.settle()
        try c.setImage("web", container: nil, image: "echo:v2")
        try c.reconcile()  // new RS at 5, old at 8 (13 = 10 + surge 3)
        try c.pauseDeployment("web")
        try c.scaleDeployment("web", replicas: 20)
        try c.reconcile()
        let d = try #require(c.deployment("web"))
        let sizes = c.replicaSets(of: d).map(\.replicas).sorted()
        // allowed 20 + 5 = 25; 13 → 25 spread by size: 8 → 15, 5 → 10.
        #expect(sizes == [10, 15])
        try c.resumeDeployment("web")
        try c.settle()
        #expect(c.counts("web") == (20, 20, 20, 0))
    }

    @Test func pauseHoldsTheRolloutAndRestartRollsAgain() throws {
        var c = Cluster()
        try c.applyDeployment(name: "web", spec: echoSpec(replicas: 2))
        try c.settle()
        #expect(try c.pauseDeployment("web"))
        #expect(try !c.pauseDeployment("web"))
        try c.setImage("web", container: nil, image: "echo:v2")
        try c.settle()
        #expect(c.counts("web").old == 2)
        #expect(c.deployment("web")?.status.condition("Progressing")?.reason == "DeploymentPaused")
        try c.resumeDeployment("web")
        try c.settle()
        #expect(c.counts("web") == (2, 2, 2, 0))
        try c.restartDeployment("web")
        try c.settle()
        #expect(try c.history(of: "web").map(\.revision) == [1, 2, 3])
        #expect(c.deployment("web")?.spec.template.annotations[DeploymentUtil.restartedAtAnnotation]?.hasPrefix("2026-01-01T00:00:") == true)
    }

    @Test func deletingADeploymentTakesItsReplicaSetsAndPods() throws {
        var c = Cluster()
        try c.applyDeployment(name: "web", spec: echoSpec())
        try c.settle()
        try c.deleteDeployment("web")
        try c.settle()
        #expect(c.deployments.isEmpty && c.replicaSets.isEmpty && c.pods.isEmpty)
    }

    @Test func deletedPodIsReplaced() throws {
        var c = Cluster()
        try c.applyDeployment(name: "web", spec: echoSpec(replicas: 2))
        try c.settle()
        let victim = try #require(c.pods.values.first?.name)
        try c.deletePod(victim)
        #expect(c.pod(victim)?.displayStatus == "Terminating")
        try c.settle()
        #expect(c.pod(victim) == nil && c.pods.count == 2)
    }

    @Test func rfc3339() {
        #expect(Cluster.rfc3339(0) == "2026-01-01T00:00:00Z")
        #expect(Cluster.rfc3339(86_400_000 * 59 + 3_723_000) == "2026-03-01T01:02:03Z")
    }
}
