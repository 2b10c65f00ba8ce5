#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing
import MultiprocessingManagers
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    struct ManagerConditionTests {
        @Test
        func aChildWaitsForAPredicateThatTheParentMakesTrue() throws {
            let context = workerContext(.spawn)
            try withManager(context: context) { manager in
                let condition = try manager.condition()
                let flag = try manager.value(false)
                let ready = try manager.event()
                let child = Process(target: ManagerProxyTestFunctions.waitForFlag,
                                    arguments: ConditionFlag(condition: condition, flag: flag, ready: ready),
                                    context: context)
                try child.start()
                #expect(try ready.wait(timeout: .seconds(10)))
                // The child holds the lock until it waits: taking it here means the child waits.
                try condition.withLock {
                    try condition.notify()  // A notify before the flag: the child checks and waits again.
                }
                usleep(100_000)
                try condition.withLock {
                    try flag.set(true)
                    try condition.notifyAll()
                }
                #expect(try child.value(as: Bool.self, timeout: .seconds(10)))
            }
        }

        @Test
        func waitTimesOutAndTakesTheLockBackAtItsDepth() throws {
            try withManager(context: workerContext(.spawn)) { manager in
                let condition = try manager.condition()
                #expect(try condition.acquire() && condition.acquire())  // Re-entrant.
                let start = ContinuousClock.now
                #expect(try !condition.wait(timeout: .milliseconds(200)))
                #expect(ContinuousClock.now - start >= .milliseconds(190))
                #expect(try !condition.wait(for: { false }, timeout: .milliseconds(100)))
                try condition.release()
                try condition.release()
                let error = #expect(throws: MultiprocessingError.self) { try condition.release() }
                #expect(error?.remoteDescription == "RuntimeError: cannot release un-acquired lock")
                let notify = #expect(throws: MultiprocessingError.self) { try condition.notify() }
                #expect(notify?.remoteDescription == "RuntimeError: cannot notify on un-acquired lock")
                let wait = #expect(throws: MultiprocessingError.self) { try condition.wait(timeout: .zero) }
                #expect(wait?.remoteDescription == "RuntimeError: cannot wait on un-acquired lock")
                let negative = #expect(throws: MultiprocessingError.self) {
                    try condition.wait(timeout: .milliseconds(-1))
                }
                #expect(negative?.code == .invalidArgument)
            }
        }

        @Test
        func anotherProxyIsAnotherOwner() throws {
            try withManager(context: workerContext(.spawn)) { manager in
                let condition = try manager.condition(name: "shared")
                let other = try manager.condition(name: "shared")
                #expect(try condition.acquire())
                #expect(try !other.acquire(blocking: false))
                #expect(try !other.acquire(timeout: .milliseconds(100)))
                #expect(throws: MultiprocessingError.self) { try other.release() }
                try condition.release()
                #expect(try other.acquire(blocking: false))
                try other.release()
            }
        }

        @Test
        func aClientThatDisconnectsWhileWaitingLeavesTheLockAndTheWaiters() throws {
            let context = workerContext(.spawn)
            try withManager(context: context) { manager in
                let condition = try manager.condition()
                let ready = try manager.event()
                try killWhileBlocked(ManagerProxyTestFunctions.holdCondition, Blocking(condition, ready: ready),
                                     ready: ready, context: context)
                #expect(try condition.acquire(timeout: .seconds(5)))
                try condition.notify()  // Its place among the waiters is gone: nothing to wake.
                #expect(try !condition.wait(timeout: .milliseconds(50)))
                try condition.release()

                // A client killed while it holds the lock (outside a wait) lets go of it too.
                let holder = try manager.condition(name: "held")
                let heldReady = try manager.event()
                let child = Process(target: ManagerProxyTestFunctions.holdConditionLock,
                                    arguments: Blocking(holder, ready: heldReady), context: context)
                try child.start()
                #expect(try heldReady.wait(timeout: .seconds(10)))
                #expect(try !holder.acquire(blocking: false))
                try child.kill()
                #expect(try child.join(timeout: .seconds(10)))
                #expect(try holder.acquire(timeout: .seconds(5)))
            }
        }
    }
}
