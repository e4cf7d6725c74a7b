import OrderedCollections

/// The API for Deployments, as a client (kubectl) sees it: every request is validated before
/// it changes anything, so a rejected request leaves the cluster exactly as it was.
extension Cluster {
    public enum ApplyOutcome: String, Hashable, Sendable {
        case created, configured, unchanged
    }

    public enum RollbackOutcome: Hashable, Sendable {
        case rolledBack
        /// The revision's template is the current one already.
        case skipped(revision: Int)
    }

    static func isDNSSubdomain(_ s: String) -> Bool {
        let u = Array(s.utf8)
        func alnum(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) }
        guard let f = u.first, let l = u.last, u.count <= 253, alnum(f), alnum(l) else { return false }
        return u.allSatisfy { alnum($0) || $0 == 0x2D || $0 == 0x2E }
    }

    /// Upstream's validation of a Deployment, with its messages.
    public static func validate(name: String, spec: DeploymentSpec) throws(ClusterError) {
        func invalid(_ field: String, _ detail: String) -> ClusterError { .invalid("Deployment", name, field: field, detail) }
        guard isDNSSubdomain(name) else {
            throw invalid("metadata.name", "Invalid value: \"\(name)\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character")
        }
        if spec.replicas < 0 { throw invalid("spec.replicas", "Invalid value: \(spec.replicas): must be greater than or equal to 0") }
        if spec.replicas > Limits.replicas {
            throw invalid("spec.replicas", "Invalid value: \(spec.replicas): k8sim runs at most \(Limits.replicas) replicas of one workload")
        }
        if spec.selector.isEmpty { throw invalid("spec.selector", "Invalid value: \"null\": empty selector is invalid for deployment") }
        if !spec.selector.selects(spec.template.labels) {
            let labels = spec.template.labels.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ", ")
            throw invalid("spec.template.metadata.labels", "Invalid value: map[string]string{\(labels)}: `selector` does not match template `labels`")
        }
        if spec.template.containers.isEmpty { throw invalid("spec.template.spec.containers", "Required value") }
        for (i, c) in spec.template.containers.enumerated() {
            if c.name.isEmpty { throw invalid("spec.template.spec.containers[\(i)].name", "Required value") }
            if c.image.isEmpty { throw invalid("spec.template.spec.containers[\(i)].image", "Required value") }
            for (j, p) in c.ports.enumerated() where p.containerPort < 1 || p.containerPort > 65535 {
                throw invalid("spec.template.spec.containers[\(i)].ports[\(j)].containerPort", "Invalid value: \(p.containerPort): must be between 1 and 65535, inclusive")
            }
        }
        if spec.minReadySeconds < 0 { throw invalid("spec.minReadySeconds", "Invalid value: \(spec.minReadySeconds): must be greater than or equal to 0") }
        if let limit = spec.revisionHistoryLimit, limit < 0 {
            throw invalid("spec.revisionHistoryLimit", "Invalid value: \(limit): must be greater than or equal to 0")
        }
        if let deadline = spec.progressDeadlineSeconds, deadline <= spec.minReadySeconds {
            throw invalid("spec.progressDeadlineSeconds", "Invalid value: \(deadline): must be greater than minReadySeconds")
        }
        if case .rollingUpdate(let surge, let unavailable) = spec.strategy {
            func check(_ v: IntOrString?, _ field: String) throws(ClusterError) -> Int {
                guard let v else { return 0 }
                switch v {
                case .int(let n):
                    if n < 0 { throw invalid("spec.strategy.rollingUpdate.\(field)", "Invalid value: \(n): must be greater than or equal to 0") }
                    return n
                case .string(let s):
                    guard s.hasSuffix("%"), let p = Int(s.dropLast()), p >= 0 else {
                        throw invalid("spec.strategy.rollingUpdate.\(field)", "Invalid value: \"\(s)\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")
                    }
                    if field == "maxUnavailable" && p > 100 {
                        throw invalid("spec.strategy.rollingUpdate.maxUnavailable", "Invalid value: \"\(s)\": must not be greater than 100%")
                    }
                    return p
                }
            }
            let u = try check(unavailable, "maxUnavailable")
            let s = try check(surge, "maxSurge")
            if u == 0 && s == 0 {
                throw invalid("spec.strategy.rollingUpdate.maxUnavailable", "Invalid value: 0: may not be 0 when `maxSurge` is 0")
            }
        }
    }

    /// Creates a Deployment, or updates it as `kubectl apply` would: a template change starts
    /// a rollout, a replica change scales.
    @discardableResult
    public mutating func applyDeployment(name: String, namespace: String = "default", spec: DeploymentSpec,
                                         labels: OrderedDictionary<String, String> = [:],
                                         annotations: OrderedDictionary<String, String> = [:]) throws(ClusterError) -> ApplyOutcome {
        try Self.validate(name: name, spec: spec)
        guard namespaces[namespace] != nil else { throw .notFound("namespaces", namespace) }
        let key = ObjectMeta.key(namespace, name)
        if var d = deployments[key] {
            if d.spec.selector != spec.selector {
                let shown = spec.selector.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ", ")
                throw .invalid("Deployment", name, field: "spec.selector", "Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\(shown)}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable")
            }
            var changed = false
            var newSpec = spec
            newSpec.paused = d.spec.paused || spec.paused
            if newSpec != d.spec {
                d.spec = newSpec
                d.meta.generation += 1
                changed = true
            }
            for (k, v) in annotations where d.meta.annotations[k] != v {
                d.meta.annotations[k] = v
                changed = true
            }
            for (k, v) in labels where d.meta.labels[k] != v {
                d.meta.labels[k] = v
                changed = true
            }
            guard changed else { return .unchanged }
            deployments[key] = d
            emit(.deploymentWritten(key: key))
            note("api-server", "deployment \(name) updated (generation \(d.meta.generation))")
            return .configured
        }
        var meta = newMeta(name: name, namespace: namespace)
        meta.labels = labels
        meta.annotations = annotations
        deployments[key] = Deployment(meta: meta, spec: spec)
        emit(.deploymentWritten(key: key))
        note("api-server", "deployment \(name) stored; the deployment controller is told")
        return .created
    }

    mutating func updateDeployment(_ name: String, namespace: String,
                                   _ change: (inout Deployment) throws(ClusterError) -> Void) throws(ClusterError) {
        let key = ObjectMeta.key(namespace, name)
        guard var d = deployments[key] else { throw .notFound("deployments.apps", name) }
        let before = d
        try change(&d)
        try Self.validate(name: name, spec: d.spec)
        guard d != before else { return }
        if d.spec != before.spec { d.meta.generation += 1 }
        deployments[key] = d
        emit(.deploymentWritten(key: key))
    }

    public mutating func scaleDeployment(_ name: String, namespace: String = "default", replicas: Int) throws(ClusterError) {
        try updateDeployment(name, namespace: namespace) { (d: inout Deployment) throws(ClusterError) in d.spec.replicas = replicas }
    }

    /// `kubectl set image`: `container` nil means every container (as `*=image`).
    public mutating func setImage(_ name: String, namespace: String = "default", container: String?, image: String) throws(ClusterError) {
        try updateDeployment(name, namespace: namespace) { (d: inout Deployment) throws(ClusterError) in
            var found = false
            for i in d.spec.template.containers.indices where container == nil || d.spec.template.containers[i].name == container {
                d.spec.template.containers[i].image = image
                found = true
            }
            if !found { throw .refused("unable to find container named \"\(container ?? "")\"") }
        }
    }

    /// Returns false when it was paused already.
    @discardableResult
    public mutating func pauseDeployment(_ name: String, namespace: String = "default") throws(ClusterError) -> Bool {
        guard let d = deployments[ObjectMeta.key(namespace, name)] else { throw .notFound("deployments.apps", name) }
        if d.spec.paused { return false }
        try updateDeployment(name, namespace: namespace) { (d: inout Deployment) throws(ClusterError) in d.spec.paused = true }
        return true
    }

    @discardableResult
    public mutating func resumeDeployment(_ name: String, namespace: String = "default") throws(ClusterError) -> Bool {
        guard let d = deployments[ObjectMeta.key(namespace, name)] else { throw .notFound("deployments.apps", name) }
        if !d.spec.paused { return false }
        try updateDeployment(name, namespace: namespace) { (d: inout Deployment) throws(ClusterError) in d.spec.paused = false }
        return true
    }

    /// `kubectl rollout restart`: a new template annotation, so a new rollout.
    public mutating func restartDeployment(_ name: String, namespace: String = "default") throws(ClusterError) {
        let stamp = Self.rfc3339(now)
        try updateDeployment(name, namespace: namespace) { (d: inout Deployment) throws(ClusterError) in
            if d.spec.paused {
                throw .refused("deployments.apps \"\(name)\" can't restart paused deployment (run rollout resume first)")
            }
            d.spec.template.annotations[DeploymentUtil.restartedAtAnnotation] = stamp
        }
    }

    /// `kubectl rollout undo [--to-revision=N]`: copies an old ReplicaSet's template back.
    /// Revision 0 means the one before the current.
    public mutating func rollback(_ name: String, namespace: String = "default", toRevision: Int = 0) throws(ClusterError) -> RollbackOutcome {
        let key = ObjectMeta.key(namespace, name)
        guard var d = deployments[key] else { throw .notFound("deployments.apps", name) }
        if d.spec.paused {
            throw .refused("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/\(name)' and try again")
        }
        let all = replicaSets(of: d)
        var target = toRevision
        if target == 0 {
            target = DeploymentUtil.lastRevision(all)
            if target == 0 { throw .refused("no rollout history found for deployment \"\(name)\"") }
        }
        guard let rs = all.first(where: { DeploymentUtil.revision($0) == target }) else {
            throw .refused("unable to find specified revision \(toRevision) in history")
        }
        if DeploymentUtil.equalIgnoreHash(rs.template, d.spec.template) { return .skipped(revision: target) }
        var template = rs.template
        template.labels.removeValue(forKey: DeploymentUtil.podTemplateHashLabel)
        d.spec.template = template
        var annotations: OrderedDictionary<String, String> = [:]
        for (k, v) in d.meta.annotations where DeploymentUtil.skipCopyAnnotations.contains(k) { annotations[k] = v }
        for (k, v) in rs.meta.annotations where !DeploymentUtil.skipCopyAnnotations.contains(k) { annotations[k] = v }
        d.meta.annotations = annotations
        d.meta.generation += 1
        deployments[key] = d
        emit(.deploymentWritten(key: key))
        note("kubectl", "rolled \(name) back to the template of revision \(target)")
        return .rolledBack
    }

    /// Deletes a Deployment with its ReplicaSets; their pods terminate.
    public mutating func deleteDeployment(_ name: String, namespace: String = "default") throws(ClusterError) {
        let key = ObjectMeta.key(namespace, name)
        guard let d = deployments.removeValue(forKey: key) else { throw .notFound("deployments.apps", name) }
        for rsKey in indices.replicaSetsByOwner[d.meta.uid] ?? [] { deleteReplicaSet(rsKey) }
        indices.replicaSetsByOwner[d.meta.uid] = nil
        emit(.deploymentDeleted(key: key))
    }

    /// The rollout history: revision, change-cause and template, oldest first.
    public func history(of name: String, namespace: String = "default") throws(ClusterError) -> [(revision: Int, changeCause: String?, template: PodTemplate)] {
        guard let d = deployments[ObjectMeta.key(namespace, name)] else { throw .notFound("deployments.apps", name) }
        return replicaSets(of: d).compactMap { rs in
            guard let r = DeploymentUtil.revision(rs), rs.meta.annotations[DeploymentUtil.revisionAnnotation] != nil else { return nil }
            return (r, rs.meta.annotations[DeploymentUtil.changeCauseAnnotation], rs.template)
        }.sorted { $0.revision < $1.revision }
    }

    /// The virtual clock starts at 2026-01-01T00:00:00Z; timestamps are shown from there.
    public static let epochSeconds: Int64 = 1_767_225_600

    public static func rfc3339(_ time: Millis) -> String {
        let total = epochSeconds + time / 1000
        let days = total / 86_400
        let secs = total % 86_400
        // Civil-from-days (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        var y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        if m <= 2 { y += 1 }
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(two(m))-\(two(d))T\(two(secs / 3600)):\(two(secs % 3600 / 60)):\(two(secs % 60))Z"
    }
}
