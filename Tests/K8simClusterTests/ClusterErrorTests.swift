import Foundation
@testable import K8simCluster
import Testing

/// Errors are values; their text is rendered in one place, as the API server and kubectl word
/// them (apimachinery/pkg/api/errors/errors.go NewNotFound, NewAlreadyExists, NewInvalid;
/// kubectl/pkg/cmd/util/helpers.go StandardErrorMessage adds "Error from server (Reason): ").
@Suite("Cluster errors")
struct ClusterErrorTests {
    @Test func eachReasonRendersUpstreamsText() {
        let notFound = ClusterError.notFound("deployments.apps", "echo")
        #expect(notFound.message == "deployments.apps \"echo\" not found")
        #expect(notFound.kubectlText == "Error from server (NotFound): deployments.apps \"echo\" not found")

        let exists = ClusterError.alreadyExists("services", "echo")
        #expect(exists.message == "services \"echo\" already exists")
        #expect(exists.kubectlText == "Error from server (AlreadyExists): services \"echo\" already exists")

        let invalid = ClusterError.invalid("Deployment", "web", field: "spec.replicas", "Invalid value: -1: must be greater than or equal to 0")
        #expect(invalid.message == "The Deployment \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0")
        #expect(invalid.kubectlText == invalid.message)

        let refused = ClusterError.refused("unable to find container named \"x\"")
        #expect(refused.message == "unable to find container named \"x\"" && refused.kubectlText == refused.message)
    }

    @Test func theModelThrowsTheCaseNotJustTheText() throws {
        var c = Cluster()
        let missing = #expect(throws: ClusterError.self) { try c.scaleDeployment("nope", replicas: 2) }
        #expect(missing?.reason == .notFound(resource: "deployments.apps", name: "nope"))
        let duplicate = #expect(throws: ClusterError.self) { try c.addNode(name: "n1", cpuMillis: 1000, memoryBytes: 1 << 30) }
        #expect(duplicate?.reason == .alreadyExists(resource: "nodes", name: "n1"))
        var spec = DeploymentSpec(selector: ["app": "a"], template: PodTemplate(labels: ["app": "a"], containers: [Container(name: "a", image: "a")]))
        spec.replicas = -1
        let bad = #expect(throws: ClusterError.self) { try c.applyDeployment(name: "a", spec: spec) }
        guard case .invalid(let kind, let name, let field, _)? = bad?.reason else {
            Issue.record("expected an invalid object, got \(String(describing: bad))")
            return
        }
        #expect(kind == "Deployment" && name == "a" && field == "spec.replicas")
    }

    /// A bare ReplicaSet is checked as a Deployment's spec is and named as itself.
    @Test func aReplicaSetsValidationNamesTheReplicaSet() {
        var c = Cluster()
        let error = #expect(throws: ClusterError.self) {
            try c.applyReplicaSet(name: "rs", replicas: -1, selector: ["app": "a"],
                                  template: PodTemplate(labels: ["app": "a"], containers: [Container(name: "a", image: "a")]))
        }
        #expect(error?.message == "The ReplicaSet \"rs\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0")
    }
}

/// Events a summary reads by their parts keep them through a saved session.
@Suite("Saved events")
struct SavedEventTests {
    @Test func partsSurviveAReload() throws {
        let events = [Event(time: 1, type: .warning, reason: "Failed", objectKind: "pod", objectName: "p", namespace: "default",
                            detail: .errImagePull, source: "kubelet"),
                      Event(time: 2, type: .normal, reason: "IPAllocated", objectKind: "service", objectName: "lb", namespace: "default",
                            detail: .assignedIP("10.64.140.43"), source: "metallb-controller"),
                      Event(time: 3, type: .normal, reason: "Pulling", objectKind: "pod", objectName: "p", namespace: "default",
                            detail: .pulling(image: "nginx"), source: "kubelet")]
        let back = try JSONDecoder().decode([Event].self, from: JSONEncoder().encode(events))
        #expect(back.map(\.detail) == [.errImagePull, .assignedIP("10.64.140.43"), .text("Pulling image \"nginx\"")])
        #expect(back.map(\.message) == events.map(\.message))
    }
}
