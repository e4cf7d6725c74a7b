@testable import K8simCluster
import Testing

/// Controllers hear of changes through watch events, delivered to each in registration order;
/// none touches another's queue. Each event reaches the controllers that react to it.
@Suite("Watch events")
struct WatchEventTests {
    @Test func eachEventReachesItsControllers() throws {
        var c = Cluster()
        c.emit(.deploymentWritten(key: "default/web"))
        #expect(Array(c.deploymentController.queue) == ["default/web"])
        c.emit(.replicaSetWritten(key: "default/web-1"))
        #expect(Array(c.replicaSetController.queue) == ["default/web-1"])
        c.emit(.replicaSetDeleted(key: "default/web-1", namespace: "default", owner: nil))
        #expect(c.replicaSetController.queue.isEmpty)
        c.emit(.podCreated(key: "default/p"))
        #expect(Array(c.scheduler.unscheduled) == ["default/p"])
        c.emit(.podTerminating(key: "default/p"))
        #expect(c.scheduler.unscheduled.isEmpty)
        c.emit(.serviceWritten(key: "default/svc"))
        #expect(c.endpointsController.queue.contains("default/svc") && c.endpointsController.stale.contains("default/svc"))
        c.emit(.serviceDeleted(key: "default/svc"))
        #expect(!c.endpointsController.queue.contains("default/svc") && !c.endpointsController.stale.contains("default/svc"))
    }

    /// A pod that changes queues its owner for the ReplicaSet controller and notes the change
    /// for every Service that selects it, in that one delivery.
    @Test func aPodChangeReachesItsOwnerAndItsServices() throws {
        var c = Cluster()
        try c.applyService(name: "echo", spec: ServiceSpec(selector: ["app": "echo"], ports: [ServicePort(port: 80)]))
        try c.reconcile()
        var meta = ObjectMeta(name: "echo-abc", uid: 99)
        meta.labels = ["app": "echo"]
        meta.owner = OwnerReference(kind: "ReplicaSet", name: "echo-7d4", uid: 98)
        c.emit(.podChanged(meta, ip: "10.1.1.7"))
        #expect(Array(c.replicaSetController.queue) == ["default/echo-7d4"])
        #expect(c.endpointsController.changes["default/echo"] == [EndpointChange(pod: "echo-abc", ip: "10.1.1.7")])
        #expect(c.endpointsController.queue.contains("default/echo"))
    }
}
