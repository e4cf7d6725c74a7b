/// The pods, with running counts per owner kept up as pods are written. A ReplicaSet's status
/// then costs O(1) instead of a walk over all its pods each time one of them changes (a node
/// failure touches 30 pods of 150,000). Every write goes through this type, so the counts
/// cannot drift from the pods.
public struct PodStore: Sequence, Sendable, Equatable {
    private var table = SlotMap<Pod>()
    private var countsByOwner: [Int: OwnerPodCounts] = [:]

    public init() {}

    public var count: Int { table.count }
    public var isEmpty: Bool { table.isEmpty }
    public var keys: ChunkedArray<String> { table.keys }
    public var values: ChunkedArray<Pod> { table.values }

    public func contains(_ key: String) -> Bool { table.index(forKey: key) != nil }

    public mutating func reserveCapacity(_ n: Int) { table.reserveCapacity(n) }

    /// The counts over the pods whose owner has this uid.
    public func counts(ofOwner uid: Int) -> OwnerPodCounts { countsByOwner[uid] ?? OwnerPodCounts() }

    public subscript(key: String) -> Pod? {
        get { table[key] }
        set {
            guard let newValue else {
                removeValue(forKey: key)
                return
            }
            if let i = table.insertNew(key, newValue) {
                modify(at: i) { $0 = newValue }
            } else {
                tally(Self.share(newValue), 1)
            }
        }
    }

    public func withValue<R>(_ key: String, _ body: (Pod) -> R) -> R? { table.withValue(key, body) }

    /// Changes a pod in place (no copy of it, one look-up of its key), keeping the counts.
    @discardableResult
    public mutating func modify<R>(_ key: String, _ body: (inout Pod) -> R) -> R? {
        guard let i = table.index(forKey: key) else { return nil }
        return modify(at: i, body)
    }

    private mutating func modify<R>(at i: Int, _ body: (inout Pod) -> R) -> R {
        let before = table.values.withElement(at: i, Self.share)
        let result = table.modify(at: i, body)
        let after = table.values.withElement(at: i, Self.share)
        if before?.owner != after?.owner || before?.counts != after?.counts {
            tally(before, -1)
            tally(after, 1)
        }
        return result
    }

    @discardableResult
    public mutating func removeValue(forKey key: String) -> Pod? {
        guard let removed = table.removeValue(forKey: key) else { return nil }
        tally(Self.share(removed), -1)
        return removed
    }

    public func makeIterator() -> SlotMap<Pod>.Iterator { table.makeIterator() }

    private typealias Share = (owner: Int, counts: OwnerPodCounts)

    /// A pod's part in its owner's counts; nil for a pod without an owner.
    private static func share(_ pod: Pod) -> Share? {
        guard let uid = pod.meta.owner?.uid else { return nil }
        return (uid, OwnerPodCounts(pod))
    }

    private mutating func tally(_ share: Share?, _ sign: Int) {
        guard let share else { return }
        countsByOwner[share.owner, default: OwnerPodCounts()].add(share.counts, sign)
        if countsByOwner[share.owner] == OwnerPodCounts() { countsByOwner[share.owner] = nil }
    }

    public static func == (a: PodStore, b: PodStore) -> Bool { a.table == b.table }
}

/// What a ReplicaSet's status counts, over its pods.
public struct OwnerPodCounts: Equatable, Sendable {
    /// Not terminating, not finished: what the ReplicaSet compares with its replicas.
    public var active = 0
    /// Not terminating: `status.replicas`.
    public var replicas = 0
    /// Not terminating and ready; with minReadySeconds 0 also the available count.
    public var ready = 0
    /// Not terminating and carrying every label of the template it was made from.
    public var fullyLabeled = 0

    public init() {}

    init(_ p: Pod) {
        guard !p.isTerminating else { return }
        replicas = 1
        if p.phase != .succeeded && p.phase != .failed { active = 1 }
        if p.isReady { ready = 1 }
        if p.template.labels.selects(p.meta.labels) { fullyLabeled = 1 }
    }

    mutating func add(_ c: OwnerPodCounts, _ sign: Int) {
        active += sign * c.active
        replicas += sign * c.replicas
        ready += sign * c.ready
        fullyLabeled += sign * c.fullyLabeled
    }
}
