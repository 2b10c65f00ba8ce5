import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    /// The manager variant of CPython's `_TestBarrier`: `manager.Barrier(3)`, the test process and two children
    /// (CPython: five parties, some of them threads). CPython skips `test_thousand` for managers; `test_action`
    /// needs an action the server would run, which a Swift client cannot send.
    struct ManagerBarrierConformance {
        typealias S = ManagerSynchronizationScenarios

        private func passed(_ passes: Int) -> Observations {
            ["passes": "\(passes)", "passes with indices other than 0, 1, 2": "0", "waiting": "0", "broken": "false"]
        }

        // CPython: _TestBarrier.test_barrier
        @Test(arguments: allMethods)
        func barrier(method: StartMethod) throws {
            #expect(try observe(S.barrier, method) == passed(1))
        }

        // CPython: _TestBarrier.test_barrier_10
        @Test(arguments: allMethods)
        func barrier10(method: StartMethod) throws {
            #expect(try observe(S.barrier10, method) == passed(10))
        }

        // CPython: _TestBarrier.test_wait_return
        @Test(arguments: allMethods)
        func waitReturn(method: StartMethod) throws {
            let seen = try observe(S.barrier, method)
            #expect(seen["passes with indices other than 0, 1, 2"] == "0")
        }

        // CPython: _TestBarrier.test_abort
        @Test(arguments: allMethods)
        func abort(method: StartMethod) throws {
            let seen = try observe(S.abort, method)
            #expect(seen == [
                "children": "brokenBarrier,brokenBarrier", "broken": "true", "wait.after": "brokenBarrier",
            ])
        }

        // CPython: _TestBarrier.test_reset
        @Test(arguments: allMethods)
        func reset(method: StartMethod) throws {
            let seen = try observe(S.reset, method)
            #expect(seen == [
                "children": "brokenBarrier at once no error, brokenBarrier at once no error",
                "parent": "no error",
            ])
        }

        // CPython: _TestBarrier.test_abort_and_reset
        @Test(arguments: allMethods)
        func abortAndReset(method: StartMethod) throws {
            let seen = try observe(S.abortAndReset, method)
            #expect(seen == [
                "broken.aborted": "true", "wait.aborted": "brokenBarrier", "broken.reset": "false",
                "indices": "0,1 0,1",
            ])
        }

        // CPython: _TestBarrier.test_timeout
        @Test(arguments: allMethods)
        func timeout(method: StartMethod) throws {
            let seen = try observe(S.barrierTimeout, method)
            #expect(seen == [
                "parent": "brokenBarrier", "parent.timing": inTime, "child": "brokenBarrier", "broken": "true",
            ])
        }

        // CPython: _TestBarrier.test_default_timeout
        @Test(arguments: allMethods)
        func defaultTimeout(method: StartMethod) throws {
            let seen = try observe(S.defaultTimeout, method)
            #expect(seen == ["results": "brokenBarrier,brokenBarrier,brokenBarrier"])
        }

        // CPython: _TestBarrier.test_single_thread
        @Test(arguments: allMethods)
        func singleThread(method: StartMethod) throws {
            #expect(try observe(S.singleThread, method) == ["waits": "0,0"])
        }
    }
}
