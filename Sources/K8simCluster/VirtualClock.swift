/// Virtual time for the cluster: nothing in the model reads the wall clock, so a run is
/// reproducible and a five-minute eviction takes no real time.
///
/// Timers fire in order of due time, and in the order they were set when due at the same
/// instant (a sequence number breaks ties), which keeps runs deterministic.
public struct VirtualClock: Codable, Sendable {
    /// Milliseconds since the cluster started.
    public private(set) var now: Int64 = 0
    private var heap: [Timer] = []
    private var nextSequence: UInt64 = 0
    private var foreground = 0

    public struct Timer: Codable, Sendable, Hashable {
        public var due: Int64
        public var sequence: UInt64
        public var event: TimerEvent
        /// Background work (retries that go on forever) does not keep `settle` running.
        public var background: Bool
    }

    public init() {}

    public var pendingCount: Int { heap.count }

    /// Whether any timer other than background work is pending.
    public var hasForegroundWork: Bool { foreground > 0 }

    /// When the next timer is due, if any.
    public var nextDue: Int64? { heap.first?.due }

    /// Schedules `event` `delay` milliseconds from now (never in the past).
    @discardableResult
    public mutating func schedule(_ event: TimerEvent, after delay: Int64, background: Bool = false) -> UInt64 {
        let timer = Timer(due: now + max(0, delay), sequence: nextSequence, event: event, background: background)
        nextSequence += 1
        if !background { foreground += 1 }
        heap.append(timer)
        siftUp(heap.count - 1)
        return timer.sequence
    }

    /// Cancels a timer that has not fired; returns whether it was pending.
    @discardableResult
    public mutating func cancel(_ sequence: UInt64) -> Bool {
        guard let i = heap.firstIndex(where: { $0.sequence == sequence }) else { return false }
        if !heap[i].background { foreground -= 1 }
        let last = heap.removeLast()
        if i < heap.count {
            heap[i] = last
            siftDown(i)
            siftUp(i)
        }
        return true
    }

    /// Removes and returns every timer due at or before `time`, in firing order, and moves
    /// the clock to the earliest of them (or leaves it, if none is due).
    public mutating func popDue(atOrBefore time: Int64) -> [Timer] {
        guard let first = heap.first, first.due <= time else { return [] }
        let instant = first.due
        var fired: [Timer] = []
        while let top = heap.first, top.due == instant {
            fired.append(popFirst())
        }
        now = max(now, instant)
        return fired
    }

    /// Moves the clock forward to `time` (never back).
    public mutating func advance(to time: Int64) {
        now = max(now, time)
    }

    private mutating func popFirst() -> Timer {
        let top = heap[0]
        if !top.background { foreground -= 1 }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return top
    }

    private static func before(_ a: Timer, _ b: Timer) -> Bool {
        a.due != b.due ? a.due < b.due : a.sequence < b.sequence
    }

    private mutating func siftUp(_ index: Int) {
        var i = index
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.before(heap[i], heap[parent]) else { return }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var i = index
        while true {
            let l = 2 * i + 1, r = l + 1
            var best = i
            if l < heap.count, Self.before(heap[l], heap[best]) { best = l }
            if r < heap.count, Self.before(heap[r], heap[best]) { best = r }
            if best == i { return }
            heap.swapAt(i, best)
            i = best
        }
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
