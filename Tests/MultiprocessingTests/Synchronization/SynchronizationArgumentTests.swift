import Multiprocessing
import MultiprocessingTestFunctions
import Testing

/// Values and timeouts passed to the synchronization primitives: a value out of range throws
/// ``MultiprocessingError/Code/invalidArgument``; no timeout, however long or negative, stops the process.
extension MultiprocessingSuite {
    struct SynchronizationArgumentTests {
        /// About 292 billion years: more nanoseconds than an `Int64` holds.
        static let longest = Duration.seconds(Int64.max)

        @Test(arguments: [-1, Int(Int32.max) + 1, Int.max, Int.min])
        func semaphoreValuesOutOfRangeAreAnError(value: Int) {
            let plain = #expect(throws: MultiprocessingError.self) { _ = try Multiprocessing.Semaphore(value) }
            #expect(plain?.code == .invalidArgument)
            let bounded = #expect(throws: MultiprocessingError.self) { _ = try BoundedSemaphore(value) }
            #expect(bounded?.code == .invalidArgument)
        }

        @Test(arguments: [0, -1, Int(Int32.max) + 1])
        func barriersOfImpossiblePartiesAreAnError(parties: Int) {
            let error = #expect(throws: MultiprocessingError.self) { _ = try Barrier(parties: parties) }
            #expect(error?.code == .invalidArgument)
        }

        @Test
        func hugeTimeoutsWaitWithoutOverflowing() throws {
            let lock = try Lock()
            #expect(try lock.acquire(timeout: Self.longest))
            try lock.release()
            let semaphore = try Multiprocessing.Semaphore(1)
            #expect(semaphore.acquire(timeout: Self.longest))
            let event = try Event()
            event.set()
            #expect(event.wait(timeout: Self.longest))
            // Waits that really sleep with the longest timeout, ended by a child.
            let empty = try Multiprocessing.Semaphore(0)
            let child = Process(target: SynchronizationTestFunctions.releaseSemaphore, arguments: empty,
                                context: workerContext(.spawn))
            try child.start()
            #expect(empty.acquire(timeout: Self.longest))
            #expect(try child.join(timeout: Self.longest))
            #expect(try child.value(as: Int.self, timeout: Self.longest) == 1)
        }

        @Test
        func negativeTimeoutsDoNotWaitAsInPython() throws {
            let semaphore = try Multiprocessing.Semaphore(0)
            #expect(!semaphore.acquire(timeout: .seconds(-1)))
            let event = try Event()
            #expect(!event.wait(timeout: .seconds(-5)))
            let condition = try Condition()
            try condition.withLock { () throws in
                let woken = try condition.wait(timeout: .milliseconds(-1))
                #expect(!woken)
                condition.notify(-3)   // Wakes nobody, as Python's notify(n) with n < 1.
                condition.notify(0)
            }
        }
    }
}
