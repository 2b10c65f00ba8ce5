#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing
import MultiprocessingManagers
import MultiprocessingTestFunctions
import Testing

/// Starts `target` with `arguments`, waits for it to set `ready` and block, kills it and waits for it: a client
/// that disconnects in the middle of a wait.
func killWhileBlocked<Arguments>(
    _ target: ProcessFunction<Arguments, some Codable & Sendable>, _ arguments: Arguments, ready: EventProxy,
    context: Context
) throws {
    let child = Process(target: target, arguments: arguments, context: context)
    try child.start()
    #expect(try ready.wait(timeout: .seconds(10)))
    usleep(200_000)  // The child is now blocked in its call.
    try child.kill()
    #expect(try child.join(timeout: .seconds(10)))
}

extension MultiprocessingSuite {
    struct ManagerSemaphoreTests {
        @Test
        func aSemaphoreCountsAcrossProcessesAndTimesOut() throws {
            let context = workerContext(.spawn)
            try withManager(context: context) { manager in
                let semaphore = try manager.semaphore(0)
                #expect(try !semaphore.acquire(blocking: false))
                let start = ContinuousClock.now
                #expect(try !semaphore.acquire(timeout: .milliseconds(200)))
                #expect(ContinuousClock.now - start >= .milliseconds(190))

                let ready = try manager.event()
                let child = Process(target: ManagerProxyTestFunctions.acquireSemaphore,
                                    arguments: Blocking(semaphore, ready: ready), context: context)
                try child.start()
                #expect(try ready.wait(timeout: .seconds(10)))
                try semaphore.release()
                #expect(try child.value(as: String.self, timeout: .seconds(10)) == "acquired")
                #expect(try semaphore.value() == 0)
                try semaphore.release(3)
                #expect(try semaphore.value() == 3)
                #expect(try semaphore.withAcquired { try semaphore.value() } == 2)
                #expect(try semaphore.value() == 3)
            }
        }

        @Test
        func aBoundedSemaphoreRefusesToGoAboveItsValue() throws {
            try withManager(context: workerContext(.spawn)) { manager in
                let semaphore = try manager.boundedSemaphore(2)
                #expect(try semaphore.acquire() && semaphore.acquire(blocking: false))
                #expect(try !semaphore.acquire(blocking: false))
                try semaphore.release(2)
                let error = #expect(throws: MultiprocessingError.self) { try semaphore.release() }
                #expect(error?.code == .invalidState)
                #expect(try semaphore.value() == 2)
            }
        }

        @Test
        func badArgumentsThrow() throws {
            try withManager(context: workerContext(.spawn)) { manager in
                #expect(throws: MultiprocessingError.self) { try manager.semaphore(-1) }
                #expect(throws: MultiprocessingError.self) { try manager.boundedSemaphore(-1) }
                let semaphore = try manager.semaphore()
                let release = #expect(throws: MultiprocessingError.self) { try semaphore.release(0) }
                #expect(release?.code == .invalidArgument)
                let timeout = #expect(throws: MultiprocessingError.self) {
                    try semaphore.acquire(timeout: .milliseconds(-1))
                }
                #expect(timeout?.code == .invalidArgument)
                // Straight to the server: it refuses the same.
                let raw = #expect(throws: MultiprocessingError.self) {
                    try semaphore.proxy.call("release", arguments: [.int(-5)])
                }
                #expect(raw?.remoteDescription == "ValueError: n must be one or more")
                let overflow = #expect(throws: MultiprocessingError.self) {
                    try semaphore.proxy.call("release", arguments: [.int(.max)])
                }
                #expect(overflow?.remoteDescription?.hasPrefix("OverflowError") == true)
            }
        }

        @Test
        func aWaiterThatDisconnectsTakesNothing() throws {
            let context = workerContext(.spawn)
            try withManager(context: context) { manager in
                let semaphore = try manager.semaphore(0)
                let ready = try manager.event()
                try killWhileBlocked(ManagerProxyTestFunctions.acquireSemaphore,
                                     Blocking(semaphore, ready: ready), ready: ready, context: context)
                try semaphore.release()
                #expect(try semaphore.value() == 1)
                #expect(try semaphore.acquire(timeout: .seconds(5)))
                // The same for a lock: its waiter that left does not take it.
                let lock = try manager.lock()
                #expect(try lock.acquire())
                let lockReady = try manager.event()
                try killWhileBlocked(ManagerProxyTestFunctions.acquireLock, Blocking(lock, ready: lockReady),
                                     ready: lockReady, context: context)
                try lock.release()
                #expect(try lock.acquire(timeout: .seconds(5)))
            }
        }
    }
}
