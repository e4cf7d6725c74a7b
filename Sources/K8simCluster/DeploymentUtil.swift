import OrderedCollections

/// Upstream's deployment helpers (`pkg/controller/deployment/util/deployment_util.go`,
/// `intstr`, `controller_utils.go`), as pure functions so each can be table-tested against
/// the upstream test vectors in K8S-FACTS.
public enum DeploymentUtil {
    public static let revisionAnnotation = "deployment.kubernetes.io/revision"
    public static let revisionHistoryAnnotation = "deployment.kubernetes.io/revision-history"
    public static let desiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas"
    public static let maxReplicasAnnotation = "deployment.kubernetes.io/max-replicas"
    public static let changeCauseAnnotation = "kubernetes.io/change-cause"
    public static let lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"
    public static let rollbackToAnnotation = "deprecated.deployment.rollback.to"
    public static let restartedAtAnnotation = "kubectl.kubernetes.io/restartedAt"
    public static let podTemplateHashLabel = "pod-template-hash"
    /// Annotations a Deployment does not copy to its ReplicaSets.
    static let skipCopyAnnotations: Set<String> = [
        lastAppliedAnnotation, revisionAnnotation, revisionHistoryAnnotation,
        desiredReplicasAnnotation, maxReplicasAnnotation, rollbackToAnnotation,
    ]
    public static let maxRevisionHistoryChars = 2000

    public struct IntOrStringError: Error, Hashable, CustomStringConvertible {
        public var description: String
    }

    // MARK: Int or percent, fenceposts

    /// `intstr.GetScaledValueFromIntOrPercent`.
    public static func scaledValue(_ value: IntOrString?, total: Int, roundUp: Bool) throws(IntOrStringError) -> Int {
        guard let value else { throw IntOrStringError(description: "nil value for IntOrString") }
        switch value {
        case .int(let n):
            return n
        case .string(let s):
            guard s.hasSuffix("%") else {
                throw IntOrStringError(description: "invalid value for IntOrString: invalid type: string is not a percentage")
            }
            let digits = s.dropLast()
            guard let v = Int(digits) else {
                throw IntOrStringError(description: "invalid value for IntOrString: invalid value \"\(s)\": strconv.Atoi: parsing \"\(digits)\": invalid syntax")
            }
            let exact = Double(v) * Double(total) / 100
            return Int(roundUp ? exact.rounded(.up) : exact.rounded(.down))
        }
    }

    /// `ResolveFenceposts`: surge rounds up, unavailable down; both zero forces unavailable 1.
    public static func resolveFenceposts(maxSurge: IntOrString?, maxUnavailable: IntOrString?, desired: Int) throws(IntOrStringError) -> (surge: Int, unavailable: Int) {
        let surge = try scaledValue(maxSurge ?? .int(0), total: desired, roundUp: true)
        var unavailable = try scaledValue(maxUnavailable ?? .int(0), total: desired, roundUp: false)
        if surge == 0 && unavailable == 0 { unavailable = 1 }
        return (surge, unavailable)
    }

    /// `MaxUnavailable(d)`: 0 for Recreate or zero replicas, capped at replicas.
    public static func maxUnavailable(_ spec: DeploymentSpec) -> Int {
        guard case .rollingUpdate(let s, let u) = spec.strategy, spec.replicas > 0 else { return 0 }
        guard let (_, unavailable) = try? resolveFenceposts(maxSurge: s, maxUnavailable: u, desired: spec.replicas) else { return 0 }
        return min(unavailable, spec.replicas)
    }

    /// `MaxSurge(d)`: 0 for Recreate; not capped.
    public static func maxSurge(_ spec: DeploymentSpec) -> Int {
        guard case .rollingUpdate(let s, let u) = spec.strategy else { return 0 }
        return (try? resolveFenceposts(maxSurge: s, maxUnavailable: u, desired: spec.replicas))?.surge ?? 0
    }

    public static func minAvailable(_ spec: DeploymentSpec) -> Int {
        guard spec.strategy.isRolling else { return 0 }
        return spec.replicas - maxUnavailable(spec)
    }

    /// `NewRSNewReplicas`.
    public static func newRSNewReplicas(_ spec: DeploymentSpec, allRSs: [ReplicaSet], newRS: ReplicaSet) -> Int {
        switch spec.strategy {
        case .recreate:
            return spec.replicas
        case .rollingUpdate(let s, _):
            let surge = (try? scaledValue(s ?? .int(0), total: spec.replicas, roundUp: true)) ?? 0
            let current = allRSs.reduce(0) { $0 + $1.replicas }
            let maxTotal = spec.replicas + surge
            if current >= maxTotal { return newRS.replicas }
            return newRS.replicas + min(maxTotal - current, spec.replicas - newRS.replicas)
        }
    }

    // MARK: Identity

    /// `EqualIgnoreHash`: templates equal once the pod-template-hash label is removed.
    public static func equalIgnoreHash(_ a: PodTemplate, _ b: PodTemplate) -> Bool {
        var a = a, b = b
        a.labels.removeValue(forKey: podTemplateHashLabel)
        b.labels.removeValue(forKey: podTemplateHashLabel)
        return a == b
    }

    /// Creation time ascending, then name.
    public static func byCreation(_ a: ReplicaSet, _ b: ReplicaSet) -> Bool {
        a.meta.creationTime != b.meta.creationTime ? a.meta.creationTime < b.meta.creationTime : a.name < b.name
    }

    /// Larger first; ties older first.
    public static func bySizeOlder(_ a: ReplicaSet, _ b: ReplicaSet) -> Bool {
        a.replicas != b.replicas ? a.replicas > b.replicas : byCreation(a, b)
    }

    /// Larger first; ties newer first.
    public static func bySizeNewer(_ a: ReplicaSet, _ b: ReplicaSet) -> Bool {
        a.replicas != b.replicas ? a.replicas > b.replicas : byCreation(b, a)
    }

    /// Revision ascending; unparseable or equal revisions fall back to creation order.
    public static func byRevision(_ a: ReplicaSet, _ b: ReplicaSet) -> Bool {
        let ra = revision(a), rb = revision(b)
        if let ra, let rb, ra != rb { return ra < rb }
        return byCreation(a, b)
    }

    /// `FindNewReplicaSet`: the oldest RS whose template matches the deployment's.
    public static func findNewReplicaSet(_ spec: DeploymentSpec, _ rsList: [ReplicaSet]) -> ReplicaSet? {
        rsList.sorted(by: byCreation).first { equalIgnoreHash($0.template, spec.template) }
    }

    /// `FindOldReplicaSets`: every RS but the new one, and those of them with replicas.
    public static func findOldReplicaSets(_ spec: DeploymentSpec, _ rsList: [ReplicaSet], newRS: ReplicaSet?)
        -> (all: [ReplicaSet], required: [ReplicaSet]) {
        let all = rsList.filter { $0.meta.uid != newRS?.meta.uid }
        return (all, all.filter { $0.replicas != 0 })
    }

    /// FNV-32a over a canonical dump of the template (upstream hashes a spew dump of the Go
    /// struct; this model's names differ, but the properties are the same: equal templates,
    /// equal hashes; a collision count changes the hash).
    public static func computeHash(_ template: PodTemplate, collisionCount: Int?) -> String {
        var t = template
        t.labels.removeValue(forKey: podTemplateHashLabel)
        var text = "labels:"
        for (k, v) in t.labels.sorted(by: { $0.key < $1.key }) { text += "\(k)=\(v);" }
        text += "annotations:"
        for (k, v) in t.annotations.sorted(by: { $0.key < $1.key }) { text += "\(k)=\(v);" }
        for c in t.containers {
            text += "container:\(c.name)|\(c.image)|\(c.cpuMillis)|\(c.memoryBytes)|"
            for p in c.ports { text += "port:\(p.name ?? "")/\(p.containerPort)/\(p.proto);" }
            for e in c.env { text += "env:\(e.name)=\(e.value ?? "")@\(e.configMapKey.map { "\($0.name)/\($0.key)" } ?? "");" }
            for f in c.envFrom { text += "envFrom:\(f);" }
        }
        var hash: UInt32 = 2_166_136_261
        func mix(_ b: UInt8) {
            hash ^= UInt32(b)
            hash = hash &* 16_777_619
        }
        for b in text.utf8 { mix(b) }
        if let c = collisionCount {
            let v = UInt32(truncatingIfNeeded: c)
            for shift in stride(from: 0, to: 32, by: 8) { mix(UInt8((v >> UInt32(shift)) & 0xFF)) }
        }
        return safeEncodeString(String(hash))
    }

    /// The alphabet of generated names: no vowels, no confusable characters.
    public static let alphanums = Array("bcdfghjklmnpqrstvwxz2456789".utf8)

    /// `rand.SafeEncodeString`.
    public static func safeEncodeString(_ s: String) -> String {
        String(decoding: s.utf8.map { alphanums[Int($0) % alphanums.count] }, as: UTF8.self)
    }

    /// `<deployment>-<hash>`, with the name cut so the result is at most 253 characters.
    public static func replicaSetName(deployment: String, hash: String) -> String {
        let limit = 253 - 1 - hash.count
        if deployment.count > limit && limit > 0 { return "\(deployment.prefix(limit))-\(hash)" }
        return "\(deployment)-\(hash)"
    }

    // MARK: Revisions

    /// The revision annotation; missing is 0, unparseable is nil.
    public static func revision(_ rs: ReplicaSet) -> Int? {
        guard let v = rs.meta.annotations[revisionAnnotation] else { return 0 }
        return Int(v)
    }

    public static func maxRevision(_ rsList: [ReplicaSet]) -> Int {
        rsList.reduce(0) { max($0, revision($1) ?? 0) }
    }

    /// The second-highest revision, or 0.
    public static func lastRevision(_ rsList: [ReplicaSet]) -> Int {
        var maxValue = 0, second = 0
        for rs in rsList {
            guard let v = revision(rs) else { continue }
            if v >= maxValue {
                second = maxValue
                maxValue = v
            } else if v > second {
                second = v
            }
        }
        return second
    }

    /// `SetNewReplicaSetAnnotations`; returns whether anything changed.
    @discardableResult
    public static func setNewReplicaSetAnnotations(_ d: Deployment, _ rs: inout ReplicaSet, newRevision: String, exists: Bool,
                                                   historyLimit: Int = maxRevisionHistoryChars) -> Bool {
        var changed = false
        for (k, v) in d.meta.annotations where !skipCopyAnnotations.contains(k) {
            if rs.meta.annotations[k] != v {
                rs.meta.annotations[k] = v
                changed = true
            }
        }
        let oldRevision = rs.meta.annotations[revisionAnnotation]
        let oldValue = oldRevision.flatMap { Int($0) } ?? 0
        if oldRevision != nil && Int(oldRevision ?? "") == nil { return false }
        guard let newValue = Int(newRevision) else { return false }
        if oldValue < newValue {
            rs.meta.annotations[revisionAnnotation] = newRevision
            changed = true
        }
        if let old = oldRevision, oldValue < newValue {
            var history = rs.meta.annotations[revisionHistoryAnnotation].map { $0.split(separator: ",").map(String.init) } ?? []
            history.append(old)
            while history.joined(separator: ",").count > historyLimit, !history.isEmpty { history.removeFirst() }
            rs.meta.annotations[revisionHistoryAnnotation] = history.joined(separator: ",")
        }
        if !exists {
            if setReplicasAnnotations(&rs, desired: d.spec.replicas, max: d.spec.replicas + maxSurge(d.spec)) { changed = true }
        }
        return changed
    }

    @discardableResult
    public static func setReplicasAnnotations(_ rs: inout ReplicaSet, desired: Int, max: Int) -> Bool {
        var changed = false
        if rs.meta.annotations[desiredReplicasAnnotation] != "\(desired)" {
            rs.meta.annotations[desiredReplicasAnnotation] = "\(desired)"
            changed = true
        }
        if rs.meta.annotations[maxReplicasAnnotation] != "\(max)" {
            rs.meta.annotations[maxReplicasAnnotation] = "\(max)"
            changed = true
        }
        return changed
    }

    public static func replicasAnnotationsNeedUpdate(_ rs: ReplicaSet, desired: Int, max: Int) -> Bool {
        rs.meta.annotations[desiredReplicasAnnotation] != "\(desired)" || rs.meta.annotations[maxReplicasAnnotation] != "\(max)"
    }

    /// `getNonNegativeInt32FromAnnotation`: (value, valid, error).
    public static func nonNegativeInt32(_ value: String?) -> (value: Int, valid: Bool, error: String?) {
        guard let value else { return (0, false, nil) }
        guard let n = Int64(value), n >= 0 else {
            if value.allSatisfy({ $0.isNumber }), !value.isEmpty { return (0, false, "out of range") }
            return (0, false, "invalid syntax")
        }
        guard n <= Int64(Int32.max) else { return (0, false, "out of range") }
        return (Int(n), true, nil)
    }

    /// `IsSaturated`: the new RS has all replicas, all available.
    public static func isSaturated(_ spec: DeploymentSpec, _ rs: ReplicaSet?) -> Bool {
        guard let rs else { return false }
        let (desired, valid, _) = nonNegativeInt32(rs.meta.annotations[desiredReplicasAnnotation])
        guard valid else { return false }
        return rs.replicas == spec.replicas && desired == spec.replicas && rs.status.availableReplicas == spec.replicas
    }

    // MARK: Proportional scaling

    /// `getReplicaSetFraction`.
    public static func replicaSetFraction(_ rs: ReplicaSet, _ d: Deployment) -> Int {
        if d.spec.replicas == 0 { return -rs.replicas }
        let deploymentReplicas = d.spec.replicas + maxSurge(d.spec)
        var (annotated, valid, _) = nonNegativeInt32(rs.meta.annotations[maxReplicasAnnotation])
        if !valid || annotated == 0 {
            annotated = d.status.replicas
            if annotated == 0 { return 0 }
        }
        let scaled = (Double(rs.replicas) * Double(deploymentReplicas) / Double(annotated)).rounded(.toNearestOrAwayFromZero)
        return Int(scaled) - rs.replicas
    }

    /// `GetProportion`.
    public static func proportion(_ rs: ReplicaSet?, _ d: Deployment, toAdd: Int, added: Int) -> Int {
        guard let rs, rs.replicas != 0, toAdd != 0, toAdd != added else { return 0 }
        let fraction = replicaSetFraction(rs, d)
        let allowed = toAdd - added
        return toAdd > 0 ? min(fraction, allowed) : max(fraction, allowed)
    }

    // MARK: Status predicates

    public static func deploymentComplete(_ d: Deployment, _ status: DeploymentStatus) -> Bool {
        status.updatedReplicas == d.spec.replicas && status.replicas == d.spec.replicas
            && status.availableReplicas == d.spec.replicas && status.observedGeneration >= d.meta.generation
    }

    public static func deploymentProgressing(_ d: Deployment, _ new: DeploymentStatus) -> Bool {
        let old = d.status
        return new.updatedReplicas > old.updatedReplicas
            || (new.replicas - new.updatedReplicas) < (old.replicas - old.updatedReplicas)
            || new.readyReplicas > old.readyReplicas
            || new.availableReplicas > old.availableReplicas
    }

    public static func deploymentTimedOut(_ d: Deployment, _ status: DeploymentStatus, now: Millis) -> Bool {
        guard let deadline = d.spec.progressDeadlineSeconds, deadline != Int(Int32.max),
              let c = status.condition("Progressing") else { return false }
        if c.reason == "NewReplicaSetAvailable" { return false }
        if c.reason == "ProgressDeadlineExceeded" { return true }
        return c.lastUpdateTime + Millis(deadline) * 1000 < now
    }

    // MARK: Rolling update pieces

    /// `cleanupUnhealthyReplicas`: scales down old RSes' unavailable replicas, oldest first.
    /// Returns the RSes (updated) and how many replicas were removed.
    public static func cleanupUnhealthyReplicas(_ oldRSs: [ReplicaSet], maxCleanupCount: Int) -> (rss: [ReplicaSet], cleaned: Int) {
        var rss = oldRSs.sorted(by: byCreation)
        var total = 0
        for i in rss.indices {
            if total >= maxCleanupCount { break }
            let rs = rss[i]
            if rs.replicas == 0 || rs.replicas == rs.status.availableReplicas { continue }
            let n = min(maxCleanupCount - total, rs.replicas - rs.status.availableReplicas)
            rss[i].replicas -= n
            total += n
        }
        return (rss, total)
    }

    /// `scaleDownOldReplicaSetsForRollingUpdate`: scales healthy old replicas down while
    /// availability stays at or above the minimum.
    public static func scaleDownOldReplicaSetsForRollingUpdate(allRSs: [ReplicaSet], oldRSs: [ReplicaSet], spec: DeploymentSpec)
        -> (rss: [ReplicaSet], scaled: Int) {
        let minAvailable = spec.replicas - maxUnavailable(spec)
        let available = allRSs.reduce(0) { $0 + $1.status.availableReplicas }
        guard available > minAvailable else { return (oldRSs, 0) }
        var rss = oldRSs.sorted(by: byCreation)
        let toScale = available - minAvailable
        var done = 0
        for i in rss.indices {
            if done >= toScale { break }
            if rss[i].replicas == 0 { continue }
            let n = min(rss[i].replicas, toScale - done)
            rss[i].replicas -= n
            done += n
        }
        return (rss, done)
    }

    // MARK: Whole reconcile steps, as pure functions of their inputs

    /// `reconcileNewReplicaSet`: the size the new ReplicaSet should have now, or nil for no change.
    public static func reconcileNewReplicaSet(_ spec: DeploymentSpec, allRSs: [ReplicaSet], newRS: ReplicaSet) -> Int? {
        if newRS.replicas == spec.replicas { return nil }
        if newRS.replicas > spec.replicas { return spec.replicas }
        let target = newRSNewReplicas(spec, allRSs: allRSs, newRS: newRS)
        return target == newRS.replicas ? nil : target
    }

    /// `reconcileOldReplicaSets`: the old ReplicaSets resized (unhealthy replicas first, then
    /// healthy ones while availability allows), and whether anything was scaled.
    /// Returns both stages, as upstream updates the ReplicaSets after each.
    public static func reconcileOldReplicaSets(_ spec: DeploymentSpec, allRSs: [ReplicaSet], oldRSs: [ReplicaSet],
                                               newRS: ReplicaSet) -> (cleaned: [ReplicaSet], rss: [ReplicaSet], scaled: Bool) {
        let oldPods = oldRSs.reduce(0) { $0 + $1.replicas }
        if oldPods == 0 { return (oldRSs, oldRSs, false) }
        let allPods = allRSs.reduce(0) { $0 + $1.replicas }
        let minAvailable = spec.replicas - maxUnavailable(spec)
        let newUnavailable = newRS.replicas - newRS.status.availableReplicas
        let maxScaledDown = allPods - minAvailable - newUnavailable
        if maxScaledDown <= 0 { return (oldRSs, oldRSs, false) }
        let (cleaned, cleanedCount) = cleanupUnhealthyReplicas(oldRSs, maxCleanupCount: maxScaledDown)
        let (scaledDown, scaledCount) = scaleDownOldReplicaSetsForRollingUpdate(allRSs: cleaned + [newRS], oldRSs: cleaned, spec: spec)
        return (cleaned, scaledDown, cleanedCount + scaledCount > 0)
    }

    /// `FindActiveOrLatest`: the one ReplicaSet with replicas; or, if none has any, the new one
    /// or else the newest old one; nil when several are active.
    public static func findActiveOrLatest(newRS: ReplicaSet?, oldRSs: [ReplicaSet]) -> ReplicaSet? {
        let newestFirst = oldRSs.sorted { byCreation($1, $0) }
        let active = (newestFirst + (newRS.map { [$0] } ?? [])).filter { $0.replicas > 0 }
        switch active.count {
        case 0: return newRS ?? newestFirst.first
        case 1: return active[0]
        default: return nil
        }
    }

    /// `scale` (sync.go): the size each ReplicaSet should have after a change of replicas,
    /// as (ReplicaSet, new size) for each one to update, in upstream's order.
    public static func scale(_ d: Deployment, newRS: ReplicaSet?, oldRSs: [ReplicaSet]) -> [(rs: ReplicaSet, replicas: Int)] {
        if let active = findActiveOrLatest(newRS: newRS, oldRSs: oldRSs) {
            return active.replicas == d.spec.replicas ? [] : [(active, d.spec.replicas)]
        }
        if isSaturated(d.spec, newRS) {
            return oldRSs.filter { $0.replicas > 0 }.map { ($0, 0) }
        }
        guard d.spec.strategy.isRolling else { return [] }
        let all = (oldRSs + (newRS.map { [$0] } ?? [])).filter { $0.replicas > 0 }
        let allowed = d.spec.replicas > 0 ? d.spec.replicas + maxSurge(d.spec) : 0
        let toAdd = allowed - all.reduce(0) { $0 + $1.replicas }
        let sorted = toAdd > 0 ? all.sorted(by: bySizeNewer) : all.sorted(by: bySizeOlder)
        var added = 0
        var sizes: [Int] = []
        for rs in sorted {
            let p = proportion(rs, d, toAdd: toAdd, added: added)
            sizes.append(rs.replicas + p)
            added += p
        }
        return sorted.enumerated().map { i, rs in
            var size = sizes[i]
            if i == 0 && toAdd != 0 { size = max(size + (toAdd - added), 0) }
            return (rs, size)
        }
    }

    /// `cleanupDeployment`: the old ReplicaSets to delete, lowest revision first, beyond the
    /// history limit; those with replicas (or unobserved changes) are skipped but still count.
    public static func replicaSetsToCleanUp(_ oldRSs: [ReplicaSet], limit: Int?) -> [ReplicaSet] {
        guard let limit, limit != Int(Int32.max) else { return [] }
        let cleanable = oldRSs.filter { $0.meta.deletionTime == nil }
        let diff = cleanable.count - limit
        guard diff > 0 else { return [] }
        return cleanable.sorted(by: byRevision).prefix(diff).filter {
            $0.status.replicas == 0 && $0.replicas == 0 && $0.meta.generation <= $0.status.observedGeneration
        }
    }
}
