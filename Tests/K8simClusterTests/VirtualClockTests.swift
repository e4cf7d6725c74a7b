import Foundation
import Testing
@testable import K8simCluster

@Suite("Virtual clock")
struct VirtualClockTests {
    @Test func timersFireInDueOrderThenInTheOrderTheyWereSet() {
        var clock = VirtualClock()
        clock.schedule(.marker("bstart"), after: 2000)
        clock.schedule(.marker("apull"), after: 1000)
        clock.schedule(.marker("cstart"), after: 2000)
        #expect(clock.nextDue == 1000)
        #expect(clock.popDue(atOrBefore: 500).isEmpty)
        #expect(clock.now == 0)
        let first = clock.popDue(atOrBefore: 10_000)
        #expect(first.map(\.event) == [.marker("apull")])
        #expect(clock.now == 1000)
        let second = clock.popDue(atOrBefore: 10_000)
        #expect(second.map(\.event) == [.marker("bstart"), .marker("cstart")])
        #expect(clock.now == 2000)
        #expect(clock.pendingCount == 0)
    }

    @Test func manyTimersComeOutSorted() {
        var clock = VirtualClock()
        var rng = UInt64(7)
        for i in 0..<1000 {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            clock.schedule(.marker("\(i)"), after: Int64(rng >> 54))
        }
        var last: (Int64, UInt64) = (-1, 0)
        var count = 0
        while let due = clock.nextDue {
            for t in clock.popDue(atOrBefore: due) {
                #expect(t.due > last.0 || (t.due == last.0 && t.sequence > last.1))
                last = (t.due, t.sequence)
                count += 1
            }
        }
        #expect(count == 1000)
    }

    @Test func timeNeverGoesBack() {
        var clock = VirtualClock()
        clock.advance(to: 5000)
        clock.advance(to: 3000)
        #expect(clock.now == 5000)
        clock.schedule(.marker("n1heartbeat"), after: -10)
        #expect(clock.nextDue == 5000)
    }

    @Test func cancelledTimersDoNotFireAndASavedClockFiresTheSame() throws {
        var clock = VirtualClock()
        let a = clock.schedule(.marker("a"), after: 1000)
        clock.schedule(.marker("b"), after: 1000)
        let c = clock.schedule(.marker("c"), after: 3000)
        clock.schedule(.marker("d"), after: 2000, background: true)
        #expect(clock.cancel(a) && clock.cancel(c) && !clock.cancel(c))
        #expect(clock.pendingCount == 2 && clock.hasForegroundWork)
        var saved = try JSONDecoder().decode(VirtualClock.self, from: JSONEncoder().encode(clock))
        for var k in [clock, saved] {
            #expect(k.popDue(atOrBefore: 10_000).map(\.event) == [.marker("b")])
            #expect(!k.hasForegroundWork)
            #expect(k.popDue(atOrBefore: 10_000).map(\.event) == [.marker("d")])
            #expect(k.nextDue == nil && k.pendingCount == 0)
        }
        // The sequence goes on where it was.
        #expect(saved.schedule(.marker("e"), after: 0) == clock.schedule(.marker("e"), after: 0))
    }
}
