import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    /// CPython's `_TestPool`, with two workers (CPython: four). CPython's `sqr(x)`
    /// is `PoolTestFunctions.square` here, which returns x * x + 1.
    struct PoolConformance {
        // CPython: _TestPool.test_apply
        @Test(arguments: allMethods)
        func apply(method: StartMethod) throws {
            let seen = try observe(PoolScenarios.apply, method)
            #expect(seen == ["apply 5": "26", "apply 3": "10"])
        }

        // CPython: _TestPool.test_map
        @Test(arguments: allMethods)
        func map(method: StartMethod) throws {
            let seen = try observe(PoolScenarios.map, method)
            #expect(seen == ["map": "true", "map chunksize 20": "true"])
        }

        // CPython: _TestPool.test_starmap
        @Test(arguments: allMethods)
        func starmap(method: StartMethod) throws {
            let seen = try observe(PoolScenarios.starmap, method)
            #expect(seen == ["starmap": "true", "starmap chunksize 20": "true"])
        }

        // CPython: _TestPool.test_map_async
        @Test(arguments: allMethods)
        func mapAsync(method: StartMethod) throws {
            let seen = try observe(PoolScenarios.mapAsync, method)
            #expect(seen == ["get": "true"])
        }

        // CPython: _TestPool.test_map_chunksize
        @Test(arguments: allMethods)
        func mapChunksize(method: StartMethod) throws {
            let seen = try observe(PoolScenarios.mapChunksize, method)
            #expect(seen == ["empty": "[]"])
        }

        // CPython: _TestPool.test_async
        @Test(arguments: allMethods)
        func async(method: StartMethod) throws {
            let seen = try observe(PoolScenarios.asyncApply, method)
            #expect(seen == ["get": "100", "timing": inTime])
        }

        // CPython: _TestPool.test_async_timeout
        @Test(arguments: allMethods)
        func asyncTimeout(method: StartMethod) throws {
            let seen = try observe(PoolScenarios.asyncTimeout, method)
            #expect(seen == ["get": "timedOut", "timing": inTime])
        }

        // CPython: _TestPool.test_imap
        @Test(arguments: allMethods)
        func imap(method: StartMethod) throws {
            let seen = try observe(PoolScenarios.imap, method)
            #expect(seen == [
                "list": "true", "next": "true", "stops": "true", "chunksize 100": "true",
            ])
        }

        // CPython: _TestPool.test_imap_unordered
        @Test(arguments: allMethods)
        func imapUnordered(method: StartMethod) throws {
            let seen = try observe(PoolScenarios.imapUnordered, method)
            #expect(seen == ["sorted": "true", "chunksize 100": "true"])
        }

        // CPython: _TestPool.test_make_pool
        @Test(arguments: allMethods)
        func makePool(method: StartMethod) throws {
            let seen = try observe(PoolScenarios.makePool, method)
            #expect(seen == ["processes": "3", "workers": "3"])
            if method == .spawn {
                let context = workerContext(.spawn)
                for processes in [-1, 0] {
                    let error = #expect(throws: PoolError.self) {
                        try Pool(processes: processes, context: context).terminate()
                    }
                    #expect(error?.code == .invalidArgument, "Python: ValueError")
                }
            }
        }

        // CPython: _TestPool.test_terminate
        @Test(arguments: allMethods)
        func terminate(method: StartMethod) throws {
            let seen = try observe(PoolScenarios.terminate, method)
            #expect(seen == [
                "join": "no error", "join under 2 s": "true", "result": "terminated",
            ])
        }

        // CPython: _TestPool.test_empty_iterable
        @Test(arguments: allMethods)
        func emptyIterable(method: StartMethod) throws {
            let seen = try observe(PoolScenarios.emptyIterable, method)
            #expect(seen == [
                "map": "[]", "imap": "[]", "imapUnordered": "[]", "mapAsync": "[]",
            ])
        }

        // CPython: _TestPool.test_context
        @Test(arguments: allMethods)
        func context(method: StartMethod) throws {
            let seen = try observe(PoolScenarios.contextManager, method)
            #expect(seen["get"] == "true")
            #expect(seen["after"] == "closed")
        }

        // CPython: _TestPool.test_traceback
        @Test(arguments: allMethods)
        func traceback(method: StartMethod) throws {
            let seen = try observe(PoolScenarios.traceback, method)
            #expect(seen == [
                "error": "taskFailed", "remote": "three is refused",
            ])
        }

        // CPython: _TestPool.test_wrapped_exception
        @Test(arguments: allMethods)
        func wrappedException(method: StartMethod) throws {
            let seen = try observe(PoolScenarios.wrappedException, method)
            #expect(seen == ["apply": "taskFailed"])
        }

        // CPython: _TestPool.test_map_no_failfast
        @Test(arguments: allMethods)
        func mapNoFailfast(method: StartMethod) throws {
            let seen = try observe(PoolScenarios.mapNoFailfast, method)
            #expect(seen == [
                "map": "taskFailed", "join": "no error", "join under 2 s": "true",
            ])
        }
    }
}
