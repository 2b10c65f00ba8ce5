import Multiprocessing
import MultiprocessingManagers
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    struct ManagerRLockTests {
        @Test
        func itsHolderTakesItAgainAndOnlyItsHolderReleasesIt() throws {
            try withManager(context: workerContext(.spawn)) { manager in
                let lock = try manager.rLock(name: "shared")
                let other = try manager.rLock(name: "shared")
                #expect(try lock.acquire() && lock.acquire())
                #expect(try !other.acquire(blocking: false))
                let start = ContinuousClock.now
                #expect(try !other.acquire(timeout: .milliseconds(200)))
                #expect(ContinuousClock.now - start >= .milliseconds(190))
                let foreign = #expect(throws: MultiprocessingError.self) { try other.release() }
                #expect(foreign?.remoteDescription == "RuntimeError: cannot release un-acquired lock")
                try lock.release()
                #expect(try !other.acquire(blocking: false))  // Still held once.
                try lock.release()
                #expect(try other.withLock { true })
                #expect(throws: MultiprocessingError.self) { try lock.release() }
                let negative = #expect(throws: MultiprocessingError.self) { try lock.acquire(timeout: .seconds(-1)) }
                #expect(negative?.code == .invalidArgument)
            }
        }

        @Test
        func aHolderThatDisconnectsReleasesItAndAWaiterThatDisconnectsTakesNothing() throws {
            let context = workerContext(.spawn)
            try withManager(context: context) { manager in
                let lock = try manager.rLock()
                #expect(try lock.acquire())
                let ready = try manager.event()
                try killWhileBlocked(ManagerProxyTestFunctions.acquireRLock, Blocking(lock, ready: ready),
                                     ready: ready, context: context)
                try lock.release()
                // The waiter that left did not take it; a holder that leaves releases it.
                let heldReady = try manager.event()
                let holder = Process(target: ManagerProxyTestFunctions.acquireRLock,
                                     arguments: Blocking(lock, ready: heldReady), context: context)
                try holder.start()
                #expect(try holder.value(as: String.self, timeout: .seconds(10)) == "acquired")
                #expect(try lock.acquire(timeout: .seconds(5)))
            }
        }
    }
}
