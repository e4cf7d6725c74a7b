import OrderedCollections

/// The ReplicaSet controller's own state: the ReplicaSets to sync, and the last owner key it
/// built (pods change in runs of one owner).
struct ReplicaSetControllerState: Sendable {
    var queue: OrderedSet<String> = []
    var lastOwnerKey = OwnerKeyMemo()
}

/// The last owner key built (uids are never reused, so it cannot go stale).
struct OwnerKeyMemo: Hashable, Sendable {
    var uid = 0
    var key = ""
}

/// The ReplicaSet controller: creates and deletes pods until a ReplicaSet has as many as it
/// asks for, and keeps its status counts.
extension Cluster {
    mutating func syncReplicaSet(_ key: String) {
        guard var rs = replicaSets[key] else { return }
        let active = pods.counts(ofOwner: rs.meta.uid).active
        let diff = active - rs.replicas
        if diff < 0 {
            let room = Limits.pods - pods.count
            if room < -diff {
                record(.warning, "FailedCreate", "replicaset", rs.name, "Error creating: k8sim holds at most \(Limits.pods) pods in a cluster",
                       source: "replicaset-controller", namespace: rs.meta.namespace)
            }
            let n = min(-diff, max(0, room))
            reserveForPods(n, owner: rs.meta.uid, labels: rs.template.labels)
            for _ in 0..<n { createPod(for: rs) }
        } else if diff > 0 {
            for pod in podsToDelete(indices.podsByOwner[rs.meta.uid] ?? [], count: diff) {
                record("SuccessfulDelete", "replicaset", rs.name, .deletedPod(pod.name), source: "replicaset-controller",
                       namespace: rs.meta.namespace)
                note("replicaset-controller", "\(rs.name) deleted pod \(pod.name)")
                deletePodGracefully(pod.key)
            }
        }
        var status = ReplicaSetStatus()
        let counts = pods.counts(ofOwner: rs.meta.uid)
        status.replicas = counts.replicas
        status.readyReplicas = counts.ready
        status.availableReplicas = counts.ready
        status.fullyLabeledReplicas = counts.fullyLabeled
        // The running counts know neither the clock nor a template changed since the pods were
        // made (a re-applied bare ReplicaSet); those two cases walk the pods.
        if rs.minReadySeconds > 0 || rs.meta.owner == nil {
            let now = self.now, minReady = rs.minReadySeconds, templateLabels = rs.template.labels
            status.availableReplicas = 0
            status.fullyLabeledReplicas = 0
            for k in indices.podsByOwner[rs.meta.uid] ?? [] {
                pods.withValue(k) { p in
                    guard !p.isTerminating else { return }
                    if p.isAvailable(minReadySeconds: minReady, now: now) { status.availableReplicas += 1 }
                    if templateLabels.selects(p.meta.labels) { status.fullyLabeledReplicas += 1 }
                }
            }
        }
        status.observedGeneration = rs.meta.generation
        if status != rs.status {
            rs.status = status
            replicaSets[key] = rs
        }
        // The owner looks again whenever its pods change; terminating pods matter to Recreate.
        emit(.replicaSetSynced(namespace: rs.meta.namespace, owner: rs.meta.owner))
    }

    /// What the ReplicaSet controller hears: ReplicaSets written, and pods that change (their
    /// owner recounts).
    @inline(__always) mutating func replicaSetControllerObserve(_ event: WatchEvent) {
        switch event {
        case .replicaSetWritten(let key): replicaSetController.queue.append(key)
        case .replicaSetDeleted(let key, _, _): replicaSetController.queue.remove(key)
        case .podChanged(let meta, _):
            guard let owner = meta.owner else { return }
            let key = ownerKey(owner, namespace: meta.namespace)
            // Pods of one owner change in runs: when it was the last queued, it is queued already.
            if replicaSetController.queue.last != key { replicaSetController.queue.append(key) }
        case .podReady(let meta):
            // Available after minReadySeconds: the controller looks again then (upstream's
            // updatePod queues the ReplicaSet after MinReadySeconds, replica_set.go).
            guard let owner = meta.owner, let rs = replicaSets[ownerKey(owner, namespace: meta.namespace)], rs.minReadySeconds > 0 else { return }
            clock.schedule(.availability(replicaSet: rs.meta.key), after: Millis(rs.minReadySeconds) * 1000)
        default: break
        }
    }

    /// The store key of a pod's owner. Pods change in runs of one owner, so the last key built
    /// is kept: building and allocating it for each of 150,000 pods showed in the profiles.
    mutating func ownerKey(_ owner: OwnerReference, namespace: String) -> String {
        if replicaSetController.lastOwnerKey.uid == owner.uid, !replicaSetController.lastOwnerKey.key.isEmpty { return replicaSetController.lastOwnerKey.key }
        let key = ObjectMeta.key(namespace, owner.name)
        replicaSetController.lastOwnerKey = OwnerKeyMemo(uid: owner.uid, key: key)
        return key
    }

    mutating func createPod(for rs: ReplicaSet) {
        // `<rs>-<5 random>`, written straight into the string, and its key built once.
        let prefix = rs.name.utf8.prefix(57)
        var name: String, key: String
        repeat {
            name = String(unsafeUninitializedCapacity: prefix.count + 6) { out in
                var i = out.initialize(from: prefix).1
                out[i] = UInt8(ascii: "-")
                i += 1
                for _ in 0..<5 {
                    out[i] = DeploymentUtil.alphanums[Int(rng.next() % UInt64(DeploymentUtil.alphanums.count))]
                    i += 1
                }
                return i
            }
            key = ObjectMeta.key(rs.meta.namespace, name)
        } while pods.contains(key)
        var meta = newMeta(name: name, namespace: rs.meta.namespace, key: key)
        meta.labels = rs.template.labels
        meta.annotations = rs.template.annotations
        meta.owner = OwnerReference(kind: "ReplicaSet", name: rs.name, uid: rs.meta.uid)
        let pod = Pod(meta: meta, template: rs.template)
        insertPod(pod)
        emit(.podCreated(key: meta.key))
        record("SuccessfulCreate", "replicaset", rs.name, .createdPod(name), source: "replicaset-controller",
               namespace: rs.meta.namespace)
        note("replicaset-controller", "\(rs.name) created pod \(name)")
    }

    /// Upstream's preference for which pods go first (`ActivePodsWithRanks`): unassigned before
    /// assigned; pending before unknown before running; not ready before ready; pods on
    /// crowded nodes first; ready for less time before more; more restarts first; newer first.
    /// Of the active pods among `keys`, the first `count` by that order. The pods are read in
    /// place into small records, ranked once: a rollout sorts 150,000 of them.
    func podsToDelete(_ keys: SlotSet, count: Int) -> [PodDeletionRank] {
        var ranks: [PodDeletionRank] = []
        ranks.reserveCapacity(keys.count)
        var perNode: [String: Int] = [:]
        for key in keys {
            pods.withValue(key) { p in
                guard !p.isTerminating, p.phase != .succeeded, p.phase != .failed else { return }
                if let n = p.nodeName { perNode[n, default: 0] += 1 }
                let phase = switch p.phase {
                case .pending: 0
                case .unknown: 1
                case .running: 2
                default: 3
                }
                ranks.append(PodDeletionRank(key: p.meta.key, name: p.name, node: p.nodeName, phase: phase,
                                             ready: p.isReady, readySince: p.readySince, restarts: p.restarts,
                                             created: p.meta.creationTime, uid: p.meta.uid))
            }
        }
        for i in ranks.indices { ranks[i].podsOnNode = ranks[i].node.map { perNode[$0] ?? 0 } ?? 0 }
        ranks.sort { a, b in
            if (a.node == nil) != (b.node == nil) { return a.node == nil }
            if a.phase != b.phase { return a.phase < b.phase }
            if a.ready != b.ready { return !a.ready }
            if a.podsOnNode != b.podsOnNode { return a.podsOnNode > b.podsOnNode }
            if let sa = a.readySince, let sb = b.readySince, sa != sb { return sa > sb }
            if a.restarts != b.restarts { return a.restarts > b.restarts }
            if a.created != b.created { return a.created > b.created }
            return a.uid > b.uid
        }
        return Array(ranks.prefix(count))
    }
}

/// What the ReplicaSet controller ranks a pod by when it picks which to delete.
struct PodDeletionRank {
    var key: String
    var name: String
    var node: String?
    var phase: Int
    var ready: Bool
    var readySince: Millis?
    var restarts: Int
    var created: Millis
    var uid: Int
    var podsOnNode = 0
}
