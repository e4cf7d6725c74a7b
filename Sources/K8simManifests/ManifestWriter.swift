import K8simCluster
import OrderedCollections

/// Manifests of the cluster's objects as a user would write them: apiVersion, kind,
/// metadata and spec, with no status and no server-set fields, in the shape
/// `kubectl create ... --dry-run=client -o yaml` prints (keys sorted, `creationTimestamp: null`).
public enum ManifestWriter {
    static func metadata(_ m: ObjectMeta, labels: OrderedDictionary<String, String>? = nil,
                         annotations: OrderedDictionary<String, String> = [:]) -> Tree {
        Tree.exact([
            ("creationTimestamp", .null),
            ("name", .string(m.name)),
            ("namespace", m.namespace.isEmpty || m.namespace == "default" ? nil : .string(m.namespace)),
            ("labels", Tree.strings(labels ?? m.labels)),
            ("annotations", Tree.strings(annotations)),
        ])
    }

    /// Annotations a user wrote, without the ones controllers add.
    static func userAnnotations(_ a: OrderedDictionary<String, String>) -> OrderedDictionary<String, String> {
        a.filter { !$0.key.hasPrefix("deployment.kubernetes.io/") && $0.key != "kubectl.kubernetes.io/last-applied-configuration" }
    }

    static func container(_ c: Container) -> Tree {
        var requests: [(String, Tree?)] = []
        if c.cpuMillis > 0 { requests.append(("cpu", .string(Quantities.cpu(c.cpuMillis)))) }
        if c.memoryBytes > 0 { requests.append(("memory", .string(Quantities.memory(c.memoryBytes)))) }
        let ports: [Tree] = c.ports.map { p in
            Tree.exact([("containerPort", .int(p.containerPort)), ("name", p.name.map { .string($0) }),
                        ("protocol", p.proto == "TCP" ? nil : .string(p.proto))])
        }
        let env: [Tree] = c.env.map { e in
            if let ref = e.configMapKey {
                return Tree.exact([("name", .string(e.name)), ("valueFrom", Tree.exact([("configMapKeyRef", Tree.exact([
                    ("key", .string(ref.key)), ("name", .string(ref.name)),
                ]))]))])
            }
            return Tree.exact([("name", .string(e.name)), ("value", .string(e.value ?? ""))])
        }
        return Tree.exact([
            ("image", .string(c.image)), ("name", .string(c.name)),
            ("ports", ports.isEmpty ? nil : .list(ports)),
            ("env", env.isEmpty ? nil : .list(env)),
            ("envFrom", c.envFrom.isEmpty ? nil : .list(c.envFrom.map { Tree.exact([("configMapRef", Tree.exact([("name", .string($0))]))]) })),
            ("resources", requests.isEmpty ? Tree.emptyMap : Tree.exact([("requests", Tree.exact(requests))])),
        ])
    }

    static func template(_ t: PodTemplate) -> Tree {
        var labels = t.labels
        labels.removeValue(forKey: DeploymentUtil.podTemplateHashLabel)
        return Tree.exact([
            ("metadata", Tree.exact([("creationTimestamp", .null), ("labels", Tree.strings(labels)), ("annotations", Tree.strings(t.annotations))])),
            ("spec", Tree.exact([("containers", .list(t.containers.map(container)))])),
        ])
    }

    static func intOrString(_ v: IntOrString?) -> Tree? {
        switch v {
        case .int(let n)?: return .int(n)
        case .string(let s)?: return .string(s)
        case nil: return nil
        }
    }

    public static func deployment(_ d: Deployment) -> Tree {
        let s = d.spec
        var strategy: Tree
        switch s.strategy {
        case .recreate: strategy = Tree.exact([("type", .string("Recreate"))])
        case .rollingUpdate(let surge, let unavailable):
            if surge == .string("25%") && unavailable == .string("25%") {
                strategy = Tree.emptyMap
            } else {
                strategy = Tree.exact([("type", .string("RollingUpdate")),
                                       ("rollingUpdate", Tree.exact([("maxSurge", intOrString(surge)), ("maxUnavailable", intOrString(unavailable))]))])
            }
        }
        return Tree.exact([
            ("apiVersion", .string("apps/v1")), ("kind", .string("Deployment")),
            ("metadata", metadata(d.meta, annotations: userAnnotations(d.meta.annotations))),
            ("spec", Tree.exact([
                ("replicas", .int(s.replicas)),
                ("selector", Tree.exact([("matchLabels", Tree.strings(s.selector) ?? Tree.emptyMap)])),
                ("strategy", strategy),
                ("template", template(s.template)),
                ("minReadySeconds", s.minReadySeconds == 0 ? nil : .int(s.minReadySeconds)),
                ("revisionHistoryLimit", s.revisionHistoryLimit == 10 ? nil : s.revisionHistoryLimit.map { .int($0) }),
                ("progressDeadlineSeconds", s.progressDeadlineSeconds == 600 ? nil : s.progressDeadlineSeconds.map { .int($0) }),
                ("paused", s.paused ? .bool(true) : nil),
            ])),
            ("status", Tree.emptyMap),
        ])
    }

    public static func replicaSet(_ r: ReplicaSet) -> Tree {
        Tree.exact([
            ("apiVersion", .string("apps/v1")), ("kind", .string("ReplicaSet")), ("metadata", metadata(r.meta)),
            ("spec", Tree.exact([
                ("replicas", .int(r.replicas)), ("selector", Tree.exact([("matchLabels", Tree.strings(r.selector) ?? Tree.emptyMap)])),
                ("template", template(r.template)), ("minReadySeconds", r.minReadySeconds == 0 ? nil : .int(r.minReadySeconds)),
            ])),
            ("status", Tree.exact([("replicas", .int(0))])),
        ])
    }

    public static func pod(_ p: Pod) -> Tree {
        Tree.exact([
            ("apiVersion", .string("v1")), ("kind", .string("Pod")), ("metadata", metadata(p.meta)),
            ("spec", Tree.exact([("containers", .list(p.template.containers.map(container)))])),
            ("status", Tree.emptyMap),
        ])
    }

    public static func service(_ s: Service) -> Tree {
        let ports: [Tree] = s.spec.ports.map { p in
            var target: Tree
            switch p.target {
            case .number(let n): target = .int(n)
            case .name(let n): target = .string(n)
            }
            return Tree.exact([("name", p.name.map { .string($0) }), ("nodePort", p.nodePortRequested ? p.nodePort.map { .int($0) } : nil),
                               ("port", .int(p.port)), ("protocol", .string(p.proto)), ("targetPort", target)])
        }
        return Tree.exact([
            ("apiVersion", .string("v1")), ("kind", .string("Service")), ("metadata", metadata(s.meta)),
            ("spec", Tree.exact([("ports", .list(ports)), ("selector", s.spec.selector.flatMap { Tree.strings($0) }),
                                 ("type", .string(s.spec.type.rawValue))])),
            ("status", Tree.exact([("loadBalancer", Tree.emptyMap)])),
        ])
    }

    public static func configMap(_ c: ConfigMap) -> Tree {
        Tree.exact([("apiVersion", .string("v1")), ("data", Tree.strings(c.data)), ("kind", .string("ConfigMap")), ("metadata", metadata(c.meta))])
    }

    public static func namespace(_ n: Namespace) -> Tree {
        Tree.exact([("apiVersion", .string("v1")), ("kind", .string("Namespace")), ("metadata", metadata(n.meta)),
                    ("spec", Tree.emptyMap), ("status", Tree.emptyMap)])
    }

    static let systemNamespaces: Set<String> = ["default", "kube-system", "kube-public", "kube-node-lease"]

    /// Every object a user made, in the order `apply` can take them back; or one object.
    /// `kind` is a kubectl kind word's canonical name (deployment, service, ...).
    public static func export(_ c: Cluster, kind: String? = nil, name: String? = nil) -> Result<String, ClusterError> {
        var docs: [Tree] = []
        func want(_ k: String, _ n: String) -> Bool { (kind == nil || kind == k) && (name == nil || name == n) }
        for ns in c.namespaces.values where !systemNamespaces.contains(ns.meta.name) && ns.meta.name != "metallb-system" && want("namespace", ns.meta.name) {
            docs.append(namespace(ns))
        }
        for cm in c.configMaps.values where want("configmap", cm.name) { docs.append(configMap(cm)) }
        for d in c.deployments.values where want("deployment", d.name) { docs.append(deployment(d)) }
        for r in c.replicaSets.values where r.meta.owner == nil && want("replicaset", r.name) { docs.append(replicaSet(r)) }
        for p in c.pods.values where p.meta.owner == nil && !p.isTerminating && want("pod", p.name) { docs.append(pod(p)) }
        for s in c.services.values where !(s.name == "kubernetes" && s.meta.namespace == "default") && s.meta.namespace != "kube-system"
            && want("service", s.name) {
            docs.append(service(s))
        }
        if docs.isEmpty {
            if let kind, let name { return .failure(.notFound("\(kind)s", name)) }
            return .failure(.refused("nothing to export: no objects made by you yet"))
        }
        return .success(docs.map(\.yaml).joined(separator: "---\n"))
    }
}

/// Why a manifest was not applied: the object it stopped at, and the cluster's error.
public struct ManifestApplyError: Error, Hashable, Sendable {
    public var kind: String
    public var name: String
    public var cause: ClusterError

    /// Whether the message is the API server's own, naming the object itself (an invalid one).
    public var namesObject: Bool {
        if case .invalid = cause.reason { return true }
        return false
    }

    /// The server's message where it names the object; otherwise the object's kind and name first.
    public var message: String { namesObject ? cause.message : "\(kind) \"\(name)\": \(cause.message)" }
}

/// Applies what a manifest holds, all or nothing.
public enum ManifestApplier {
    /// kubectl's line for each object (`deployment.apps/echo created`); on an error the
    /// cluster is left as it was and the error names the object.
    public static func apply(_ objects: [ManifestObject], to cluster: inout Cluster) -> Result<[String], ManifestApplyError> {
        let before = cluster.snapshot()
        var lines: [String] = []
        for object in objects {
            do throws(ClusterError) {
                let outcome: Cluster.ApplyOutcome
                var resource: String
                switch object {
                case .deployment(let name, let ns, let labels, let annotations, let spec):
                    resource = "deployment.apps/\(name)"
                    outcome = try cluster.applyDeployment(name: name, namespace: ns, spec: spec, labels: labels, annotations: annotations)
                case .replicaSet(let name, let ns, let labels, let replicas, let selector, let template, let minReady):
                    resource = "replicaset.apps/\(name)"
                    outcome = try cluster.applyReplicaSet(name: name, namespace: ns, labels: labels, replicas: replicas, selector: selector,
                                                          template: template, minReadySeconds: minReady)
                case .pod(let name, let ns, _, let template):
                    resource = "pod/\(name)"
                    outcome = try cluster.applyPod(name: name, namespace: ns, template: template)
                case .service(let name, let ns, let labels, let spec):
                    resource = "service/\(name)"
                    outcome = try cluster.applyService(name: name, namespace: ns, spec: spec, labels: labels)
                case .configMap(let name, let ns, let data):
                    resource = "configmap/\(name)"
                    var pools: [AddressPool]?
                    if MetalLBConfig.isConfig(name: name, namespace: ns), let config = data["config"] { pools = try MetalLBConfig.pools(from: config) }
                    outcome = try cluster.applyConfigMap(name: name, namespace: ns, data: data, metalLBPools: pools)
                case .namespace(let name):
                    resource = "namespace/\(name)"
                    outcome = try cluster.applyNamespace(name)
                }
                lines.append("\(resource) \(outcome.rawValue)")
            } catch {
                cluster.restore(before)
                return .failure(ManifestApplyError(kind: object.kind, name: object.name, cause: error))
            }
        }
        return .success(lines)
    }
}
