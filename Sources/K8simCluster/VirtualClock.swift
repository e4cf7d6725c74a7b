/// Virtual time for the cluster: nothing in the model reads the wall clock, so a run is
/// reproducible and a five-minute eviction takes no real time.
///
/// Timers fire in order of due time, and in the order they were set when due at the same
/// instant (a sequence number breaks ties), which keeps runs deterministic.
public struct VirtualClock: Sendable {
    /// Milliseconds since the cluster started.
    public private(set) var now: Int64 = 0
    /// Timers by due time, each list in the order they were set. Thousands of timers share an
    /// instant (every pod of a ReplicaSet is pulled a second after it is bound), so a heap of
    /// instants with a list each beats a heap of timers: pushing and popping are O(1) per timer.
    private var buckets: [Int64: [Timer]] = [:]
    private var instants = MinHeap<Int64>()
    private var nextSequence: UInt64 = 0
    private var foreground = 0
    /// Timers not yet fired (counted over the instants: there are few).
    public var pendingCount: Int { buckets.values.reduce(0) { $0 + $1.count } }

    public struct Timer: Codable, Sendable, Hashable {
        public var due: Int64
        public var sequence: UInt64
        public var event: TimerEvent
        /// Background work (retries that go on forever) does not keep `settle` running.
        public var background: Bool
    }

    public init() {}

    /// Whether any timer other than background work is pending.
    public var hasForegroundWork: Bool { foreground > 0 }

    /// When the next timer is due, if any.
    public var nextDue: Int64? { instants.first }

    /// Schedules `event` `delay` milliseconds from now (never in the past).
    @discardableResult
    public mutating func schedule(_ event: TimerEvent, after delay: Int64, background: Bool = false) -> UInt64 {
        let timer = Timer(due: now + max(0, delay), sequence: nextSequence, event: event, background: background)
        nextSequence += 1
        insert(timer)
        return timer.sequence
    }

    private mutating func insert(_ timer: Timer) {
        if !timer.background { foreground += 1 }
        if buckets[timer.due] == nil { instants.push(timer.due) }
        buckets[timer.due, default: []].append(timer)
    }

    /// Cancels a timer that has not fired; returns whether it was pending. Rare (node and
    /// deadline timers), so a scan is fine.
    @discardableResult
    public mutating func cancel(_ sequence: UInt64) -> Bool {
        for (due, list) in buckets {
            guard let i = list.firstIndex(where: { $0.sequence == sequence }) else { continue }
            if !list[i].background { foreground -= 1 }
            buckets[due]?.remove(at: i)
            if buckets[due]?.isEmpty == true {
                buckets[due] = nil
                instants.remove(due)
            }
            return true
        }
        return false
    }

    /// Removes and returns every timer due at or before `time` at the earliest instant that
    /// has any, in firing order, and moves the clock to that instant (or leaves it, if none is due).
    public mutating func popDue(atOrBefore time: Int64) -> [Timer] {
        guard let instant = instants.first, instant <= time else { return [] }
        _ = instants.pop()
        let fired = buckets.removeValue(forKey: instant) ?? []
        for t in fired where !t.background { foreground -= 1 }
        now = max(now, instant)
        return fired
    }

    /// Moves the clock forward to `time` (never back).
    public mutating func advance(to time: Int64) {
        now = max(now, time)
    }

    /// Every pending timer, in firing order.
    var pending: [Timer] {
        buckets.keys.sorted().flatMap { buckets[$0] ?? [] }
    }
}

// Saved as the time, every pending timer in firing order and the next sequence number; the
// buckets and the foreground count are rebuilt from the timers.
extension VirtualClock: Codable {
    enum CodingKeys: String, CodingKey { case now, timers, nextSequence }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        now = try c.decode(Int64.self, forKey: .now)
        nextSequence = try c.decode(UInt64.self, forKey: .nextSequence)
        let timers = try c.decode([Timer].self, forKey: .timers).sorted { ($0.due, $0.sequence) < ($1.due, $1.sequence) }
        for t in timers { insert(t) }
        guard timers.allSatisfy({ $0.sequence < nextSequence }) else {
            throw DecodingError.dataCorruptedError(forKey: .timers, in: c, debugDescription: "a timer is newer than the clock's sequence")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(now, forKey: .now)
        try c.encode(pending, forKey: .timers)
        try c.encode(nextSequence, forKey: .nextSequence)
    }
}

/// What a timer does when it fires: the delayed work of a cluster. Objects are named by key
/// and uid, so a timer for an object that was replaced in the meantime does nothing.
public enum TimerEvent: Codable, Sendable, Hashable {
    /// The kubelet's next step for a pod: image pulled, container started, restart, retry.
    case kubelet(pod: String, uid: Int, step: KubeletStep)
    /// A terminating pod's containers have stopped: the pod goes away.
    case podTerminated(pod: String, uid: Int)
    /// A pod's minReadySeconds have passed: its owner counts it available now.
    case availability(replicaSet: String)
    /// No heartbeat from a node within the grace period.
    case nodeGraceExpired(node: String, heartbeat: Int64)
    /// The NoExecute toleration of pods on an unreachable node has run out.
    case taintEviction(node: String, taintedAt: Int64)
    /// A deployment's progress deadline may have passed.
    case progressDeadline(deployment: String)
    /// MetalLB's other speakers have noticed a node is gone.
    case speakerFailover(node: String)
    /// For tests of the clock itself.
    case marker(String)
}

public enum KubeletStep: Codable, Sendable, Hashable {
    case pulled
    case started
    case retryPull
    /// After a failed pull: the container shows ImagePullBackOff until the retry.
    case backOff
    case restart
}
