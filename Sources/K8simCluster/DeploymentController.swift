import OrderedCollections

/// The Deployment controller's own state: the deployments to sync, in the order they were
/// queued, and each one's pending progress-deadline check.
struct DeploymentControllerState: Sendable {
    var queue: OrderedSet<String> = []
    var deadlineChecks: [String: DeadlineCheck] = [:]
}

/// A pending progress-deadline check: when it is due, and its timer.
struct DeadlineCheck: Hashable, Sendable {
    var due: Millis
    var timer: UInt64
}

/// The Deployment controller, following upstream's `syncDeployment`: rolling updates with
/// their fenceposts, Recreate, proportional scaling, revisions, history cleanup and status.
extension Cluster {
    /// What the Deployment controller hears: Deployments written and deleted, and its
    /// ReplicaSets synced or deleted (upstream's handlers for ReplicaSet updates and deletes
    /// queue the owner: deployment_controller.go, updateReplicaSet and deleteReplicaSet).
    @inline(__always) mutating func deploymentControllerObserve(_ event: WatchEvent) {
        switch event {
        case .deploymentWritten(let key): deploymentController.queue.append(key)
        case .replicaSetSynced(let namespace, let owner?), .replicaSetDeleted(_, let namespace, let owner?):
            let key = ObjectMeta.key(namespace, owner.name)
            if deployments[key] != nil { deploymentController.queue.append(key) }
        case .deploymentDeleted(let key):
            if let check = deploymentController.deadlineChecks.removeValue(forKey: key) { clock.cancel(check.timer) }
            deploymentController.queue.remove(key)
        default: break
        }
    }

    mutating func syncDeployment(_ key: String) {
        guard let d = deployments[key], d.meta.deletionTime == nil else { return }
        checkPausedConditions(key)
        let rsList = replicaSets(of: d)
        if d.spec.paused || isScalingEvent(d, rsList) {
            syncScaling(key)
            return
        }
        switch d.spec.strategy {
        case .rollingUpdate: rolloutRolling(key)
        case .recreate: rolloutRecreate(key)
        }
    }

    /// A scaling event: some active ReplicaSet was sized for a different replica count.
    func isScalingEvent(_ d: Deployment, _ rsList: [ReplicaSet]) -> Bool {
        for rs in rsList where rs.replicas > 0 {
            let (desired, valid, _) = DeploymentUtil.nonNegativeInt32(rs.meta.annotations[DeploymentUtil.desiredReplicasAnnotation])
            if valid && desired != d.spec.replicas { return true }
        }
        return false
    }

    mutating func checkPausedConditions(_ key: String) {
        guard var d = deployments[key], d.spec.progressDeadlineSeconds != nil else { return }
        let current = d.status.condition("Progressing")
        if d.spec.paused && current?.reason != "DeploymentPaused" {
            setCondition(&d.status, "Progressing", .unknown, "DeploymentPaused", "Deployment is paused")
        } else if !d.spec.paused && current?.reason == "DeploymentPaused" {
            setCondition(&d.status, "Progressing", .unknown, "DeploymentResumed", "Deployment is resumed")
        } else {
            return
        }
        deployments[key] = d
    }

    /// `SetDeploymentCondition`: a no-op when status and reason are unchanged; the transition
    /// time is kept when only the reason changes.
    func setCondition(_ status: inout DeploymentStatus, _ type: String, _ value: ConditionStatus, _ reason: String, _ message: String) {
        if let i = status.conditions.firstIndex(where: { $0.type == type }) {
            let c = status.conditions[i]
            if c.status == value && c.reason == reason { return }
            let transition = c.status == value ? c.lastTransitionTime : now
            status.conditions[i] = Condition(type: type, status: value, reason: reason, message: message,
                                             lastTransitionTime: transition, lastUpdateTime: now)
        } else {
            status.conditions.append(Condition(type: type, status: value, reason: reason, message: message,
                                               lastTransitionTime: now, lastUpdateTime: now))
        }
    }

    // MARK: The new ReplicaSet and revisions

    /// `getNewReplicaSet`: finds the ReplicaSet for the current template and gives it the next
    /// revision, or creates it. Returns nil when it was not to be created, or on a name clash
    /// (the collision count goes up and the deployment is synced again).
    mutating func newReplicaSet(_ key: String, create: Bool) -> ReplicaSet? {
        guard var d = deployments[key] else { return nil }
        let rsList = replicaSets(of: d)
        let existing = DeploymentUtil.findNewReplicaSet(d.spec, rsList)
        let oldAll = DeploymentUtil.findOldReplicaSets(d.spec, rsList, newRS: existing).all
        let newRevision = DeploymentUtil.maxRevision(oldAll) + 1
        if var rs = existing {
            let annotated = DeploymentUtil.setNewReplicaSetAnnotations(d, &rs, newRevision: "\(newRevision)", exists: true)
            if annotated || rs.minReadySeconds != d.spec.minReadySeconds {
                rs.minReadySeconds = d.spec.minReadySeconds
                replicaSets[rs.meta.key] = rs
                emit(.replicaSetWritten(key: rs.meta.key))
            }
            var changed = false
            if let r = rs.meta.annotations[DeploymentUtil.revisionAnnotation], d.meta.annotations[DeploymentUtil.revisionAnnotation] != r {
                d.meta.annotations[DeploymentUtil.revisionAnnotation] = r
                changed = true
            }
            if d.spec.progressDeadlineSeconds != nil, d.status.condition("Progressing") == nil {
                setCondition(&d.status, "Progressing", .isTrue, "FoundNewReplicaSet", "Found new replica set \"\(rs.name)\"")
                changed = true
            }
            if changed { deployments[key] = d }
            return rs
        }
        guard create else { return nil }
        var template = d.spec.template
        let hash = DeploymentUtil.computeHash(template, collisionCount: d.status.collisionCount)
        template.labels[DeploymentUtil.podTemplateHashLabel] = hash
        var selector = d.spec.selector
        selector[DeploymentUtil.podTemplateHashLabel] = hash
        let name = DeploymentUtil.replicaSetName(deployment: d.name, hash: hash)
        if replicaSets[ObjectMeta.key(d.meta.namespace, name)] != nil {
            d.status.collisionCount = (d.status.collisionCount ?? 0) + 1
            deployments[key] = d
            deploymentController.queue.append(key)
            return nil
        }
        var meta = newMeta(name: name, namespace: d.meta.namespace)
        meta.labels = template.labels
        meta.owner = OwnerReference(kind: "Deployment", name: d.name, uid: d.meta.uid)
        var rs = ReplicaSet(meta: meta, replicas: 0, selector: selector, template: template, minReadySeconds: d.spec.minReadySeconds)
        rs.replicas = DeploymentUtil.newRSNewReplicas(d.spec, allRSs: oldAll, newRS: rs)
        DeploymentUtil.setNewReplicaSetAnnotations(d, &rs, newRevision: "\(newRevision)", exists: false)
        replicaSets[meta.key] = rs
        indices.replicaSetsByOwner[d.meta.uid, default: []].append(meta.key)
        emit(.replicaSetWritten(key: meta.key))
        note("deployment-controller", "\(d.name): created ReplicaSet \(name) for revision \(newRevision)")
        if rs.replicas > 0 {
            record("ScalingReplicaSet", "deployment", d.name, "Scaled up replica set \(name) from 0 to \(rs.replicas)",
                   source: "deployment-controller", namespace: d.meta.namespace)
        }
        d.meta.annotations[DeploymentUtil.revisionAnnotation] = "\(newRevision)"
        if d.spec.progressDeadlineSeconds != nil {
            setCondition(&d.status, "Progressing", .isTrue, "NewReplicaSetCreated", "Created new replica set \"\(name)\"")
            // A new ReplicaSet always refreshes the condition, even with the same reason.
            if let i = d.status.conditions.firstIndex(where: { $0.type == "Progressing" }) {
                d.status.conditions[i].lastUpdateTime = now
                d.status.conditions[i].message = "Created new replica set \"\(name)\""
            }
        }
        deployments[key] = d
        return rs
    }

    /// Sizes a ReplicaSet (and refreshes its replica annotations); returns whether the size changed.
    @discardableResult
    mutating func scaleReplicaSet(_ rsKey: String, to replicas: Int, for d: Deployment) -> Bool {
        guard var rs = replicaSets[rsKey] else { return false }
        let sizeChanged = rs.replicas != replicas
        let maxReplicas = d.spec.replicas + DeploymentUtil.maxSurge(d.spec)
        let annotationsStale = DeploymentUtil.replicasAnnotationsNeedUpdate(rs, desired: d.spec.replicas, max: maxReplicas)
        guard sizeChanged || annotationsStale else { return false }
        let old = rs.replicas
        rs.replicas = replicas
        DeploymentUtil.setReplicasAnnotations(&rs, desired: d.spec.replicas, max: maxReplicas)
        replicaSets[rsKey] = rs
        emit(.replicaSetWritten(key: rsKey))
        if sizeChanged {
            let direction = replicas > old ? "up" : "down"
            record("ScalingReplicaSet", "deployment", d.name, "Scaled \(direction) replica set \(rs.name) from \(old) to \(replicas)",
                   source: "deployment-controller", namespace: d.meta.namespace)
            note("deployment-controller", "\(d.name): scaled \(direction) \(rs.name) from \(old) to \(replicas)")
        }
        return sizeChanged
    }

    // MARK: Rolling update

    mutating func rolloutRolling(_ key: String) {
        guard let newRS = newReplicaSet(key, create: true), let d = deployments[key] else { return }
        let old = replicaSets(of: d).filter { $0.meta.uid != newRS.meta.uid }
        let allRSs = old + [newRS]
        // reconcileNewReplicaSet: scale-up of the new ReplicaSet comes first.
        if let target = DeploymentUtil.reconcileNewReplicaSet(d.spec, allRSs: allRSs, newRS: newRS),
           scaleReplicaSet(newRS.meta.key, to: target, for: d) {
            syncRolloutStatus(key)
            return
        }
        if reconcileOldReplicaSets(d, allRSs: allRSs, oldRSs: old.filter { $0.replicas > 0 }, newRS: newRS) {
            syncRolloutStatus(key)
            return
        }
        if DeploymentUtil.deploymentComplete(d, calculateStatus(d, allRSs: allRSs, newRS: newRS)) {
            cleanupDeployment(old, d)
        }
        syncRolloutStatus(key)
    }

    mutating func reconcileOldReplicaSets(_ d: Deployment, allRSs: [ReplicaSet], oldRSs: [ReplicaSet], newRS: ReplicaSet) -> Bool {
        let (cleaned, resized, scaled) = DeploymentUtil.reconcileOldReplicaSets(d.spec, allRSs: allRSs, oldRSs: oldRSs, newRS: newRS)
        // Unhealthy replicas go first, then healthy ones; oldest ReplicaSet first in each stage.
        for stage in [cleaned, resized] {
            for rs in stage where rs.replicas != replicaSets[rs.meta.key]?.replicas {
                scaleReplicaSet(rs.meta.key, to: rs.replicas, for: d)
            }
        }
        return scaled
    }

    // MARK: Recreate

    mutating func rolloutRecreate(_ key: String) {
        guard let d = deployments[key] else { return }
        var newRS = newReplicaSet(key, create: false)
        let old = replicaSets(of: d).filter { $0.meta.uid != newRS?.meta.uid }
        var scaledDown = false
        for rs in old where rs.replicas > 0 {
            if scaleReplicaSet(rs.meta.key, to: 0, for: d) { scaledDown = true }
        }
        if scaledDown {
            syncRolloutStatus(key)
            return
        }
        // Wait until every old pod is gone, terminating ones included.
        let oldRunning = old.contains { rs in
            rs.status.replicas > 0 || pods(of: rs).contains { $0.phase != .succeeded && $0.phase != .failed }
        }
        if oldRunning {
            syncRolloutStatus(key)
            return
        }
        if newRS == nil { newRS = newReplicaSet(key, create: true) }
        guard let created = newRS, let current = deployments[key] else { return }
        scaleReplicaSet(created.meta.key, to: current.spec.replicas, for: current)
        if let fresh = replicaSets[created.meta.key],
           DeploymentUtil.deploymentComplete(current, calculateStatus(current, allRSs: old + [fresh], newRS: fresh)) {
            cleanupDeployment(old, current)
        }
        syncRolloutStatus(key)
    }

    // MARK: Scaling and pause

    mutating func syncScaling(_ key: String) {
        let newRS = newReplicaSet(key, create: false)
        guard let d = deployments[key] else { return }
        let old = replicaSets(of: d).filter { $0.meta.uid != newRS?.meta.uid }
        proportionalScale(d, newRS: newRS, oldRSs: old)
        if d.spec.paused && d.meta.annotations[DeploymentUtil.rollbackToAnnotation] == nil {
            cleanupDeployment(replicaSets(of: d).filter { $0.meta.uid != newRS?.meta.uid }, d)
        }
        guard var current = deployments[key] else { return }
        let all = replicaSets(of: current)
        let status = calculateStatus(current, allRSs: all, newRS: newRS.flatMap { replicaSets[$0.meta.key] })
        if status != current.status {
            current.status = status
            deployments[key] = current
        }
    }

    /// `scale`: sizes the one active ReplicaSet, or spreads a change across several in
    /// proportion to their size.
    mutating func proportionalScale(_ d: Deployment, newRS: ReplicaSet?, oldRSs: [ReplicaSet]) {
        for (rs, size) in DeploymentUtil.scale(d, newRS: newRS, oldRSs: oldRSs) {
            scaleReplicaSet(rs.meta.key, to: size, for: d)
        }
    }

    // MARK: Status

    func calculateStatus(_ d: Deployment, allRSs: [ReplicaSet], newRS: ReplicaSet?) -> DeploymentStatus {
        var s = d.status
        s.observedGeneration = d.meta.generation
        s.replicas = allRSs.reduce(0) { $0 + $1.status.replicas }
        s.updatedReplicas = newRS?.status.replicas ?? 0
        s.readyReplicas = allRSs.reduce(0) { $0 + $1.status.readyReplicas }
        s.availableReplicas = allRSs.reduce(0) { $0 + $1.status.availableReplicas }
        s.unavailableReplicas = max(0, allRSs.reduce(0) { $0 + $1.replicas } - s.availableReplicas)
        if s.availableReplicas >= d.spec.replicas - DeploymentUtil.maxUnavailable(d.spec) {
            setCondition(&s, "Available", .isTrue, "MinimumReplicasAvailable", "Deployment has minimum availability.")
        } else {
            setCondition(&s, "Available", .isFalse, "MinimumReplicasUnavailable", "Deployment does not have minimum availability.")
        }
        return s
    }

    /// `syncRolloutStatus`: status, the Progressing condition, and the progress deadline.
    mutating func syncRolloutStatus(_ key: String) {
        guard var d = deployments[key] else { return }
        let all = replicaSets(of: d)
        let newRS = DeploymentUtil.findNewReplicaSet(d.spec, all)
        var status = calculateStatus(d, allRSs: all, newRS: newRS)
        let subject = newRS.map { "ReplicaSet \"\($0.name)\"" } ?? "Deployment \"\(d.name)\""
        let hasDeadline = d.spec.progressDeadlineSeconds != nil
        if hasDeadline {
            let current = status.condition("Progressing")
            let alreadyComplete = status.replicas == status.updatedReplicas && current?.reason == "NewReplicaSetAvailable"
            if !alreadyComplete {
                if DeploymentUtil.deploymentComplete(d, status) {
                    setCondition(&status, "Progressing", .isTrue, "NewReplicaSetAvailable", "\(subject) has successfully progressed.")
                } else if DeploymentUtil.deploymentProgressing(d, status) {
                    // Progress refreshes the condition (and so the deadline) but not its transition time.
                    let transition = current?.status == .isTrue ? (current?.lastTransitionTime ?? now) : now
                    status.conditions.removeAll { $0.type == "Progressing" }
                    status.conditions.append(Condition(type: "Progressing", status: .isTrue, reason: "ReplicaSetUpdated",
                                                       message: "\(subject) is progressing.", lastTransitionTime: transition,
                                                       lastUpdateTime: now))
                } else if DeploymentUtil.deploymentTimedOut(d, status, now: now) {
                    setCondition(&status, "Progressing", .isFalse, "ProgressDeadlineExceeded", "\(subject) has timed out progressing.")
                    note("deployment-controller", "\(d.name): progress deadline exceeded")
                }
            }
        }
        if status != d.status {
            d.status = status
            deployments[key] = d
        }
        scheduleDeadlineCheck(key)
    }

    /// Keeps one pending check at `lastUpdateTime + deadline`, while a rollout is in progress.
    mutating func scheduleDeadlineCheck(_ key: String) {
        guard let d = deployments[key] else { return }
        let cond = d.status.condition("Progressing")
        let active = d.spec.progressDeadlineSeconds != nil && !d.spec.paused && cond != nil
            && cond?.reason != "NewReplicaSetAvailable" && cond?.reason != "ProgressDeadlineExceeded"
            && !DeploymentUtil.deploymentComplete(d, d.status)
        let due = active ? (cond?.lastUpdateTime ?? now) + Millis(d.spec.progressDeadlineSeconds ?? 0) * 1000 + 1000 : nil
        if let existing = deploymentController.deadlineChecks[key], existing.due == due { return }
        if let existing = deploymentController.deadlineChecks[key] {
            clock.cancel(existing.timer)
            deploymentController.deadlineChecks[key] = nil
        }
        if let due {
            let timer = clock.schedule(.progressDeadline(deployment: key), after: due - now)
            deploymentController.deadlineChecks[key] = DeadlineCheck(due: due, timer: timer)
        }
    }

    /// `cleanupDeployment`: deletes the oldest fully scaled-down ReplicaSets beyond the
    /// revision history limit.
    mutating func cleanupDeployment(_ oldRSs: [ReplicaSet], _ d: Deployment) {
        for rs in DeploymentUtil.replicaSetsToCleanUp(oldRSs, limit: d.spec.revisionHistoryLimit) {
            note("deployment-controller", "\(d.name): deleted old ReplicaSet \(rs.name) (revision history limit \(d.spec.revisionHistoryLimit ?? 0))")
            deleteReplicaSet(rs.meta.key)
        }
    }

    /// Deletes a ReplicaSet (as `kubectl delete rs`); its pods terminate. A Deployment that
    /// owned it makes a new one.
    public mutating func deleteReplicaSet(_ name: String, namespace: String = "default") throws(ClusterError) {
        let key = ObjectMeta.key(namespace, name)
        guard replicaSets[key] != nil else { throw .notFound("replicasets.apps", name) }
        deleteReplicaSet(key)
    }

    mutating func deleteReplicaSet(_ key: String) {
        guard let rs = replicaSets.removeValue(forKey: key) else { return }
        if let owner = rs.meta.owner { indices.replicaSetsByOwner[owner.uid]?.remove(key) }
        for pod in pods(of: rs) { deletePodGracefully(pod.meta.key) }
        emit(.replicaSetDeleted(key: key, namespace: rs.meta.namespace, owner: rs.meta.owner))
    }
}
