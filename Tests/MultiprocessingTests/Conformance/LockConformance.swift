import Multiprocessing
import Testing

extension MultiprocessingSuite {
    /// CPython's `_TestLock`. These start no process, so they run once: the start method cannot affect them.
    struct LockConformance {
        // CPython: _TestLock.test_lock
        @Test
        func lock() throws {
            let lock = try Lock()
            #expect(try lock.acquire())
            #expect(try !lock.acquire(block: false))
            try lock.release()
            #expect(throws: MultiprocessingError.self) { try lock.release() }
        }

        // CPython: _TestLock.test_rlock
        @Test
        func rlock() throws {
            let lock = try RLock()
            #expect(try lock.acquire())
            #expect(try lock.acquire())
            #expect(try lock.acquire())
            try lock.release()
            try lock.release()
            try lock.release()
            let error = #expect(throws: MultiprocessingError.self) { try lock.release() }
            #expect(error?.code == .invalidState)
        }

        // CPython: _TestLock.test_lock_context
        @Test
        func lockContext() throws {
            let lock = try Lock()
            var ran = false
            try lock.withLock { ran = true }
            #expect(ran)
            #expect(try lock.acquire(block: false))
            try lock.release()
        }
    }
}
