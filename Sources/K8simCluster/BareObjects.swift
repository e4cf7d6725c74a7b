import OrderedCollections

/// Objects created directly rather than by a Deployment: namespaces, bare ReplicaSets and
/// bare pods, as manifests may hold them.
extension Cluster {
    @discardableResult
    public mutating func applyNamespace(_ name: String) throws(ClusterError) -> ApplyOutcome {
        guard Self.isDNSLabel(name) else {
            throw .invalid("Namespace", name, field: "metadata.name", "Invalid value: \"\(name)\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character")
        }
        if namespaces[name] != nil { return .unchanged }
        namespaces[name] = Namespace(meta: newMeta(name: name, namespace: ""))
        return .created
    }

    /// A ReplicaSet of its own (no Deployment above it); the ReplicaSet controller keeps its pods.
    @discardableResult
    public mutating func applyReplicaSet(name: String, namespace: String = "default", labels: OrderedDictionary<String, String> = [:],
                                         replicas: Int, selector: OrderedDictionary<String, String>, template: PodTemplate,
                                         minReadySeconds: Int = 0) throws(ClusterError) -> ApplyOutcome {
        var spec = DeploymentSpec(selector: selector, template: template)
        spec.replicas = replicas
        do { try Self.validate(name: name, spec: spec) } catch {
            throw error.about(kind: "ReplicaSet")
        }
        guard namespaces[namespace] != nil else { throw .notFound("namespaces", namespace) }
        let key = ObjectMeta.key(namespace, name)
        if var rs = replicaSets[key] {
            if rs.selector != selector { throw .invalid("ReplicaSet", name, field: "spec.selector", "Invalid value: ...: field is immutable") }
            if rs.replicas == replicas && rs.template == template && rs.minReadySeconds == minReadySeconds && rs.meta.labels == labels {
                return .unchanged
            }
            rs.replicas = replicas
            rs.template = template
            rs.minReadySeconds = minReadySeconds
            rs.meta.labels = labels
            replicaSets[key] = rs
            emit(.replicaSetWritten(key: key))
            return .configured
        }
        var meta = newMeta(name: name, namespace: namespace)
        meta.labels = labels
        replicaSets[key] = ReplicaSet(meta: meta, replicas: replicas, selector: selector, template: template, minReadySeconds: minReadySeconds)
        emit(.replicaSetWritten(key: key))
        return .created
    }

    /// A pod of its own: scheduled and started, but replaced by nobody if it goes.
    @discardableResult
    public mutating func applyPod(name: String, namespace: String = "default", template: PodTemplate) throws(ClusterError) -> ApplyOutcome {
        guard Self.isDNSSubdomain(name) else {
            throw .invalid("Pod", name, field: "metadata.name", "Invalid value: \"\(name)\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character")
        }
        guard !template.containers.isEmpty, template.containers.allSatisfy({ !$0.image.isEmpty }) else {
            throw .invalid("Pod", name, field: "spec.containers[0].image", "Required value")
        }
        guard namespaces[namespace] != nil else { throw .notFound("namespaces", namespace) }
        let key = ObjectMeta.key(namespace, name)
        if let existing = pods[key] {
            if existing.template == template { return .unchanged }
            throw .invalid("Pod", name, field: "spec", "Forbidden: pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations), `spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)")
        }
        var meta = newMeta(name: name, namespace: namespace)
        meta.labels = template.labels
        meta.annotations = template.annotations
        insertPod(Pod(meta: meta, template: template))
        emit(.podCreated(key: key))
        return .created
    }
}
