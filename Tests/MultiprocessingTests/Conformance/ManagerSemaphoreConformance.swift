import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    /// The manager variant of CPython's `_TestSemaphore` (`test_timeout` is CPython's for processes only): the
    /// manager's server starts with each start method.
    struct ManagerSemaphoreConformance {
        /// CPython's `_test_semaphore`: the value, `acquire()`, the value, `acquire()`, the value,
        /// `acquire(False)`, the value, and the value after each of two releases.
        private let steps = "2 true 1 true 0 false 0 1 2"

        // CPython: _TestSemaphore.test_semaphore
        @Test(arguments: allMethods)
        func semaphore(method: StartMethod) throws {
            let seen = try observe(ManagerSynchronizationScenarios.semaphore, method)
            #expect(seen == ["steps": steps, "release.3": "3", "release.4": "4"])
        }

        // CPython: _TestSemaphore.test_bounded_semaphore
        @Test(arguments: allMethods)
        func boundedSemaphore(method: StartMethod) throws {
            let seen = try observe(ManagerSynchronizationScenarios.boundedSemaphore, method)
            // Python: ValueError for the release above the bound (its test leaves that check commented out).
            #expect(seen == ["steps": steps, "release.3": "invalidState", "value": "2"])
        }
    }
}
