import K8simNotation
import OrderedCollections

/// What a saved session holds of the cluster (docs/SESSION-FORMAT.md): the objects, the clock
/// with its pending timers, the random generator, the API server's counters and what the
/// built-in apps keep. Indices, work queues and memos are not in it: they derive from the
/// objects, and a loaded cluster rebuilds them (`rebuildDerivedState`), so changing an index
/// never changes the file.
struct SavedCluster: Codable {
    var clock: VirtualClock
    var random: SplitMix64
    var nextUID: Int
    var nodeCount: Int
    var timings: Timings
    var namespaces: [Namespace]
    var nodes: [Node]
    var deployments: [Deployment]
    var replicaSets: [ReplicaSet]
    var pods: [Pod]
    var services: [Service]
    var endpoints: [Endpoints]
    var configMaps: [ConfigMap]
    var events: [Event]
    var metalLBPools: [AddressPool]
    /// Images pulls of which fail (`registry remove`), in order.
    var missingImages: [String]
    /// Each Redis pod's data, by the pod's uid.
    var redisData: [String: [String: Int]]
}

extension Cluster: Codable {
    public init(from decoder: Decoder) throws {
        let saved = try SavedCluster(from: decoder)
        self.init(restoring: saved)
    }

    public func encode(to encoder: Encoder) throws {
        try saved.encode(to: encoder)
    }

    var saved: SavedCluster {
        SavedCluster(clock: clock, random: rng, nextUID: nextUID, nodeCount: nodeCount, timings: timings,
                     namespaces: Array(namespaces.values), nodes: Array(nodes.values), deployments: Array(deployments.values),
                     replicaSets: Array(replicaSets.values), pods: Array(pods.values), services: Array(services.values),
                     endpoints: Array(endpointsByService.values), configMaps: Array(configMaps.values), events: Array(events),
                     metalLBPools: addressPools, missingImages: missingImages.sorted(),
                     redisData: Dictionary(uniqueKeysWithValues: apps.redisData.map { (String($0.key), $0.value) }))
    }

    init(restoring s: SavedCluster) {
        timings = s.timings
        rng = s.random
        clock = s.clock
        nextUID = s.nextUID
        nodeCount = s.nodeCount
        for n in s.namespaces { namespaces[n.meta.name] = n }
        for n in s.nodes { nodes[n.name] = n }
        for d in s.deployments { deployments[d.meta.key] = d }
        for r in s.replicaSets { replicaSets[r.meta.key] = r }
        for p in s.pods { pods[p.meta.key] = p }
        for v in s.services { services[v.meta.key] = v }
        for e in s.endpoints { endpointsByService[e.meta.key] = e }
        for c in s.configMaps { configMaps[c.meta.key] = c }
        for e in s.events { events.append(e) }
        addressPools = s.metalLBPools
        missingImages = Set(s.missingImages)
        for (uid, data) in s.redisData { if let u = Int(uid) { apps.redisData[u] = data } }
        rebuildDerivedState()
    }

    /// Builds again everything that derives from the objects and the clock: the indices, what
    /// each node's pods take of it, the services' allocations, and each controller's state
    /// (as controllers that start find it: nothing queued, unplaced pods waiting for room,
    /// pending timers known by what they are for, every service's endpoints to be rebuilt).
    mutating func rebuildDerivedState() {
        rebuildIndices()
        allocations = ServiceAllocations()
        for i in nodes.values.indices {
            nodes.values[i].usage = NodeUsage()
            nodes.values[i].usedHosts = HostBitmap()
        }
        scheduler = SchedulerState()
        for (key, p) in pods {
            guard let nodeName = p.nodeName else {
                if !p.isTerminating { scheduler.parked.append(key) }
                continue
            }
            if let n = nodes.index(forKey: nodeName) {
                nodes.values[n].usage.add(p.template)
                if let ip = p.podIP.flatMap({ IPv4.parse(Substring($0)) }) { nodes.values[n].usedHosts[Int(ip & 0xFF)] = true }
            }
        }
        for (key, s) in services {
            allocations.clusterIPs.insert(s.clusterIP)
            for p in s.spec.ports { if let np = p.nodePort { allocations.nodePorts[np] = key } }
            if let ip = s.loadBalancerIP { allocations.loadBalancerIPs[ip] = key }
        }
        deploymentController = DeploymentControllerState()
        nodeLifecycle = NodeLifecycleState()
        for t in clock.pending {
            switch t.event {
            case .progressDeadline(let d): deploymentController.deadlineChecks[d] = DeadlineCheck(due: t.due, timer: t.sequence)
            // A removed node's timers are still pending (they find no node and do nothing).
            case .nodeGraceExpired(let node, _) where nodes[node] != nil: nodeLifecycle.graceTimers[node] = t.sequence
            case .taintEviction(let node, _) where nodes[node] != nil: nodeLifecycle.evictionTimers[node] = t.sequence
            case .nodeGraceExpired, .taintEviction, .kubelet, .podTerminated, .availability, .speakerFailover, .marker: break
            }
        }
        replicaSetController = ReplicaSetControllerState()
        endpointsController = EndpointsControllerState()
        endpointsController.stale = Set(services.keys.filter { $0 != Self.coreDNSService })
    }

    /// The indices, from the objects (the label index is built again when a Service first needs
    /// it). Their order is the store's: what reads them either visits pods in their own order
    /// (`pods(of:)`, `podKeys(on:)`) or does not depend on the order (the deletion ranking sorts
    /// fully, counts, endpoints sorted by address), so a rebuilt index reads the same.
    mutating func rebuildIndices() {
        indices = ClusterIndices()
        for r in replicaSets.values {
            if let owner = r.meta.owner { indices.replicaSetsByOwner[owner.uid, default: []].append(r.meta.key) }
        }
        for (key, p) in pods {
            if let owner = p.meta.owner { indices.podsByOwner[owner.uid, default: []].append(key) }
            guard let nodeName = p.nodeName else { continue }
            indices.podsByNode[nodeName, default: []].append(key)
            if let owner = p.meta.owner { indices.podsPerNodeByOwner[owner.uid, default: [:]][nodeName, default: 0] += 1 }
        }
    }
}

/// A cluster as it was before a statement, to go back to if the statement fails (`wait`, an
/// `expect` that runs something, a manifest applied all or nothing): the objects, the clock and each controller's
/// state, which share storage with the live cluster until either is written. The indices are
/// left out, so that changing them after the snapshot copies nothing; going back rebuilds them.
public struct ClusterSnapshot: Sendable {
    fileprivate var cluster: Cluster
}

extension Cluster {
    public func snapshot() -> ClusterSnapshot {
        var kept = self
        kept.indices = ClusterIndices()
        return ClusterSnapshot(cluster: kept)
    }

    /// Goes back to the snapshot: everything it holds, and the indices rebuilt from it.
    public mutating func restore(_ snapshot: ClusterSnapshot) {
        self = snapshot.cluster
        rebuildIndices()
    }
}
