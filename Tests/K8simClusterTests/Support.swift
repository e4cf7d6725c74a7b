import OrderedCollections
@testable import K8simCluster

/// The seed's echo-deploy as a spec: 4 replicas of ghcr.io/subicura/echo:v1.
func echoSpec(image: String = "ghcr.io/subicura/echo:v1", replicas: Int = 4,
              strategy: DeploymentStrategy = .defaultRolling, minReadySeconds: Int = 0) -> DeploymentSpec {
    let labels: OrderedDictionary<String, String> = ["app": "echo", "tier": "app"]
    var spec = DeploymentSpec(selector: labels, template: PodTemplate(labels: labels, containers: [Container(name: "echo", image: image)]))
    spec.replicas = replicas
    spec.strategy = strategy
    spec.minReadySeconds = minReadySeconds
    return spec
}

/// A uid from the name that is the same in every run (FNV-1a): `hashValue` is seeded per
/// process, and its low bits collided about once in 20,000 runs.
func stableUID(_ name: String) -> Int {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    return Int(h & 0x7FFF_FFFF)
}

/// A ReplicaSet for table tests of the deployment helpers.
func rs(_ name: String, replicas: Int, available: Int = 0, created: Millis = 0, revision: String? = nil,
        annotations: [String: String] = [:]) -> ReplicaSet {
    var meta = ObjectMeta(name: name, uid: stableUID(name), creationTime: created)
    if let revision { meta.annotations[DeploymentUtil.revisionAnnotation] = revision }
    for (k, v) in annotations.sorted(by: { $0.key < $1.key }) { meta.annotations[k] = v }
    var r = ReplicaSet(meta: meta, replicas: replicas, selector: ["app": "x"],
                       template: PodTemplate(labels: ["app": "x"], containers: [Container(name: "c", image: name)]))
    r.status.availableReplicas = available
    r.status.replicas = replicas
    r.status.observedGeneration = r.meta.generation
    return r
}

func deployment(replicas: Int, maxSurge: IntOrString?, maxUnavailable: IntOrString?, statusReplicas: Int = 0) -> Deployment {
    var spec = DeploymentSpec(selector: ["app": "x"], template: PodTemplate(labels: ["app": "x"], containers: [Container(name: "c", image: "x")]))
    spec.replicas = replicas
    spec.strategy = .rollingUpdate(maxSurge: maxSurge, maxUnavailable: maxUnavailable)
    var d = Deployment(meta: ObjectMeta(name: "foo", uid: 1), spec: spec)
    d.status.replicas = statusReplicas
    return d
}

extension Cluster {
    /// Pods that are not terminating, and those that are available, for one deployment.
    func counts(_ name: String) -> (total: Int, available: Int, new: Int, old: Int) {
        guard let d = deployment(name) else { return (0, 0, 0, 0) }
        let newRS = DeploymentUtil.findNewReplicaSet(d.spec, replicaSets(of: d))
        var total = 0, available = 0, new = 0, old = 0
        for r in replicaSets(of: d) {
            for p in pods(of: r) where !p.isTerminating {
                total += 1
                if p.isAvailable(minReadySeconds: d.spec.minReadySeconds, now: now) { available += 1 }
                if r.meta.uid == newRS?.meta.uid { new += 1 } else { old += 1 }
            }
        }
        return (total, available, new, old)
    }
}
