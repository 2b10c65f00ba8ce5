import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    /// CPython's `_TestBarrier`: three parties, the test process and two children (CPython: five, of which some
    /// are threads).
    struct BarrierConformance {
        private func passed(_ passes: Int) -> Observations {
            ["passes": "\(passes)", "passes with indices other than 0, 1, 2": "0", "waiting": "0", "broken": "false"]
        }

        // CPython: _TestBarrier.test_barrier
        @Test(arguments: allMethods)
        func barrier(method: StartMethod) throws {
            let seen = try observe(BarrierScenarios.barrier, method)
            #expect(seen == passed(1))
        }

        // CPython: _TestBarrier.test_barrier_10
        @Test(arguments: allMethods)
        func barrier10(method: StartMethod) throws {
            #expect(try observe(BarrierScenarios.barrier10, method) == passed(10))
        }

        // CPython: _TestBarrier.test_wait_return
        @Test(arguments: allMethods)
        func waitReturn(method: StartMethod) throws {
            let seen = try observe(BarrierScenarios.barrier, method)
            #expect(seen["passes with indices other than 0, 1, 2"] == "0")
        }

        // CPython: _TestBarrier.test_abort
        @Test(arguments: allMethods)
        func abort(method: StartMethod) throws {
            let seen = try observe(BarrierScenarios.abort, method)
            #expect(seen == [
                "children": "brokenBarrier,brokenBarrier", "broken": "true", "wait.after": "brokenBarrier",
            ])
        }

        // CPython: _TestBarrier.test_reset
        @Test(arguments: allMethods)
        func reset(method: StartMethod) throws {
            let seen = try observe(BarrierScenarios.reset, method)
            #expect(seen == [
                "children": "brokenBarrier at once no error, brokenBarrier at once no error",
                "parent": "no error",
            ])
        }

        // CPython: _TestBarrier.test_abort_and_reset
        @Test(arguments: allMethods)
        func abortAndReset(method: StartMethod) throws {
            let seen = try observe(BarrierScenarios.abortAndReset, method)
            #expect(seen == [
                "broken.aborted": "true", "wait.aborted": "brokenBarrier", "broken.reset": "false",
                "indices": "0,1 0,1",
            ])
        }

        // CPython: _TestBarrier.test_timeout
        @Test(arguments: allMethods)
        func timeout(method: StartMethod) throws {
            let seen = try observe(BarrierScenarios.timeout, method)
            #expect(seen == [
                "parent": "brokenBarrier", "parent.timing": inTime, "child": "brokenBarrier", "broken": "true",
            ])
        }

        // CPython: _TestBarrier.test_single_thread
        @Test
        func singleThread() throws {
            let barrier = try Barrier(parties: 1)
            #expect(try barrier.wait() == 0)
            #expect(try barrier.wait() == 0)
        }

        // CPython: _TestBarrier.test_thousand
        @Test(arguments: allMethods)
        func thousand(method: StartMethod) throws {
            let seen = try observe(BarrierScenarios.thousand, method)
            #expect(seen == passed(1000))
        }
    }
}
