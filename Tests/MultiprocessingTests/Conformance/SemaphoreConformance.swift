import Multiprocessing
import Testing

extension MultiprocessingSuite {
    /// CPython's `_TestSemaphore`. These start no process, so they run once: the start method cannot affect them.
    struct SemaphoreConformance {
        /// CPython's `_test_semaphore`, for a semaphore of 2.
        private func check(acquire: (Bool) -> Bool, release: () throws -> Void, value: () -> Int) throws {
            #expect(value() == 2)
            #expect(acquire(true))
            #expect(value() == 1)
            #expect(acquire(false))
            #expect(value() == 0)
            #expect(!acquire(false))
            #expect(value() == 0)
            try release()
            #expect(value() == 1)
            try release()
            #expect(value() == 2)
        }

        // CPython: _TestSemaphore.test_semaphore
        @Test
        func semaphore() throws {
            let semaphore = try Semaphore(2)
            try check(acquire: { semaphore.acquire(block: $0) }, release: { try semaphore.release() },
                      value: { semaphore.value })
            try semaphore.release()
            #expect(semaphore.value == 3)
        }

        // CPython: _TestSemaphore.test_bounded_semaphore
        @Test
        func boundedSemaphore() throws {
            let semaphore = try BoundedSemaphore(2)
            try check(acquire: { semaphore.acquire(block: $0) }, release: { try semaphore.release() },
                      value: { semaphore.value })
            let error = #expect(throws: MultiprocessingError.self) { try semaphore.release() }
            #expect(error?.code == .invalidState)
        }

        // CPython: _TestSemaphore.test_timeout
        @Test
        func timeout() throws {
            let semaphore = try Semaphore(0)
            #expect(!semaphore.acquire(block: false))
            #expect(!semaphore.acquire(block: false, timeout: nil))
            var start = ContinuousClock.now
            #expect(!semaphore.acquire(block: false, timeout: .milliseconds(100)))
            #expect(ContinuousClock.now - start < .milliseconds(50))
            start = ContinuousClock.now
            #expect(!semaphore.acquire(block: true, timeout: .milliseconds(100)))
            #expect(ContinuousClock.now - start >= .milliseconds(90))
            start = ContinuousClock.now
            #expect(!semaphore.acquire(timeout: .milliseconds(150)))
            #expect(ContinuousClock.now - start >= .milliseconds(140))
        }
    }
}
