import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    /// CPython's `_TestPoolWorkerLifetime`.
    struct PoolWorkerLifetimeConformance {
        // CPython: _TestPoolWorkerLifetime.test_pool_worker_lifetime
        @Test(arguments: allMethods)
        func poolWorkerLifetime(method: StartMethod) throws {
            let seen = try observe(PoolScenarios.workerLifetime, method)
            #expect(seen == [
                "results": "true", "workers": "2", "replaced": "true",
            ])
        }

        // CPython: _TestPoolWorkerLifetime.test_pool_worker_lifetime_early_close
        @Test(arguments: allMethods)
        func poolWorkerLifetimeEarlyClose(method: StartMethod) throws {
            let seen = try observe(PoolScenarios.workerLifetimeEarlyClose, method)
            #expect(seen == [
                "join": "no error", "results": "20,20,20,20,20,20",
            ])
        }

        // CPython: _TestPoolWorkerLifetime.test_pool_maxtasksperchild_invalid
        @Test
        func poolMaxtasksperchildInvalid() throws {
            let context = workerContext(.spawn)
            for value in [0, -1] {
                let error = #expect(throws: PoolError.self) {
                    try Pool(processes: 1, maxTasksPerChild: value, context: context).terminate()
                }
                #expect(error?.code == .invalidArgument, "Python: ValueError")
            }
        }
    }
}
