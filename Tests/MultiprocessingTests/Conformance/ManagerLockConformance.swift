import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    /// The manager variant of CPython's `_TestLock` (the reprs are not ported): the manager's server starts with
    /// each start method.
    struct ManagerLockConformance {
        // CPython: _TestLock.test_lock
        @Test(arguments: allMethods)
        func lock(method: StartMethod) throws {
            let seen = try observe(ManagerSynchronizationScenarios.lock, method)
            // Python: ValueError (or ThreadError) for the second release; here the server's RuntimeError.
            #expect(seen == [
                "acquire": "true", "acquire(False)": "false", "release": "no error", "release.again": "remoteError",
            ])
        }

        // CPython: _TestLock.test_lock_context
        @Test(arguments: allMethods)
        func lockContext(method: StartMethod) throws {
            let seen = try observe(ManagerSynchronizationScenarios.lockContext, method)
            #expect(seen == ["with": "no error", "locked after": "false"])
        }

        // CPython: _TestLock.test_rlock
        @Test(arguments: allMethods)
        func rLock(method: StartMethod) throws {
            let seen = try observe(ManagerSynchronizationScenarios.rLock, method)
            // Python: AssertionError or RuntimeError for the fourth release; here the server's RuntimeError.
            #expect(seen == [
                "acquire": "true,true,true", "release": "no error,no error,no error", "release.again": "remoteError",
            ])
        }
    }
}
