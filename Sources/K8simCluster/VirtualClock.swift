/// Virtual time for the cluster: nothing in the model reads the wall clock, so a run is
/// reproducible and a five-minute eviction takes no real time.
///
/// Timers fire in order of due time, and in the order they were set when due at the same
/// instant (a sequence number breaks ties), which keeps runs deterministic.
public struct VirtualClock: Sendable {
    /// Milliseconds since the cluster started.
    public private(set) var now: Int64 = 0
    private var heap: [Timer] = []
    private var nextSequence: UInt64 = 0

    public struct Timer: Sendable, Hashable {
        public var due: Int64
        public var sequence: UInt64
        public var event: TimerEvent
    }

    public init() {}

    public var pendingCount: Int { heap.count }

    /// When the next timer is due, if any.
    public var nextDue: Int64? { heap.first?.due }

    /// Schedules `event` `delay` milliseconds from now (never in the past).
    @discardableResult
    public mutating func schedule(_ event: TimerEvent, after delay: Int64) -> UInt64 {
        let timer = Timer(due: now + max(0, delay), sequence: nextSequence, event: event)
        nextSequence += 1
        heap.append(timer)
        siftUp(heap.count - 1)
        return timer.sequence
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

/// What a timer does when it fires: the kinds of delayed work in a cluster. The controllers
/// that act on them arrive with the workload model.
public enum TimerEvent: Sendable, Hashable {
    /// A named piece of work for an object, such as "imagePulled" for a pod.
    case object(kind: String, name: String, work: String)
}
