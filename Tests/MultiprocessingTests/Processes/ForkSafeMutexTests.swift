@testable import Multiprocessing
import Testing

/// ``ForkSafeMutex``: exclusive access from many threads, and a lock left free by a body that throws. That a
/// forked child can fork and lock is `ProcessConformance.recursion` under `fork`.
@Suite struct ForkSafeMutexTests {
    @Test func threadsThatAddUnderTheLockLoseNoUpdate() {
        let counter = ForkSafeMutex(0)
        let threads = (0..<4).map { _ in
            TestThread {
                for _ in 0..<10_000 { counter.withLock { $0 += 1 } }
            }
        }
        for thread in threads { thread.join() }
        #expect(counter.withLock { $0 } == 40_000)
    }

    @Test func aBodyThatThrowsLeavesTheLockFreeAndItsChanges() {
        struct Planned: Error {}
        let names = ForkSafeMutex<[String]>([])
        #expect(throws: Planned.self) {
            try names.withLock { (names: inout [String]) throws(Planned) in
                names.append("before the error")
                throw Planned()
            }
        }
        let seen = names.withLock { names in
            names.append("after")
            return names
        }
        #expect(seen == ["before the error", "after"])
    }
}
