import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    /// The manager variant of CPython's `_TestPool` basics: `manager.Pool(2)` (CPython: four workers), whose
    /// workers are the server's children. CPython's `sqr(x)` is `PoolTestFunctions.square` here (x * x + 1).
    struct ManagerPoolConformance {
        typealias S = ManagerPoolScenarios

        // CPython: _TestPool.test_apply
        @Test(arguments: allMethods)
        func apply(method: StartMethod) throws {
            #expect(try observe(S.apply, method) == ["apply 5": "26", "apply 3": "10"])
        }

        // CPython: _TestPool.test_map
        @Test(arguments: allMethods)
        func map(method: StartMethod) throws {
            #expect(try observe(S.map, method) == ["map": "true", "map chunksize 20": "true"])
        }

        // CPython: _TestPool.test_starmap
        @Test(arguments: allMethods)
        func starmap(method: StartMethod) throws {
            #expect(try observe(S.starmap, method) == ["starmap": "true", "starmap chunksize 20": "true"])
        }

        // CPython: _TestPool.test_map_async
        @Test(arguments: allMethods)
        func mapAsync(method: StartMethod) throws {
            #expect(try observe(S.mapAsync, method) == ["get": "true"])
        }

        // CPython: _TestPool.test_map_chunksize
        @Test(arguments: allMethods)
        func mapChunksize(method: StartMethod) throws {
            #expect(try observe(S.mapChunksize, method) == ["empty": "[]"])
        }

        // CPython: _TestPool.test_async
        @Test(arguments: allMethods)
        func async(method: StartMethod) throws {
            #expect(try observe(S.asyncApply, method) == ["get": "100", "timing": inTime])
        }

        // CPython: _TestPool.test_async_timeout
        @Test(arguments: allMethods)
        func asyncTimeout(method: StartMethod) throws {
            #expect(try observe(S.asyncTimeout, method) == ["get": "timedOut", "timing": inTime])
        }

        // CPython: _TestPool.test_empty_iterable
        @Test(arguments: allMethods)
        func emptyIterable(method: StartMethod) throws {
            #expect(try observe(S.emptyIterable, method) == ["map": "[]", "mapAsync": "[]"])
        }

        // CPython: _TestPool.test_terminate
        @Test(arguments: allMethods)
        func terminate(method: StartMethod) throws {
            let seen = try observe(S.terminate, method)
            #expect(seen == ["join": "no error", "join under 2 s": "true", "result": "terminated"])
        }

        // CPython: _TestPool.test_traceback
        @Test(arguments: allMethods)
        func traceback(method: StartMethod) throws {
            #expect(try observe(S.traceback, method) == ["apply": "taskFailed", "remote": "three is refused"])
        }
    }
}
