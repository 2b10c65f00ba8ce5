// The manager variant of CPython's `_TestPool` basics: the pool is `manager.Pool(2)`, whose workers are children
// of the manager's server (started with the scenario's start method). CPython's `sqr(x)` is
// `PoolTestFunctions.square` here (x * x + 1).
import Multiprocessing
import MultiprocessingManagers

public enum ManagerPoolScenarios {
    typealias F = PoolTestFunctions

    static func squares(_ items: some Sequence<Int>) -> [Int] { PoolScenarios.squares(items) }

    /// Runs `body` with a manager's pool of two workers, the manager's server started with `method`.
    static func withTwoWorkers(_ method: String, _ body: (PoolProxy) throws -> Observations) throws -> Observations {
        try withManager(context: context(method)) { manager in try body(try manager.pool(processes: 2)) }
    }

    // CPython: _TestPool.test_apply
    public static let apply = Scenario("conformance.manager.pool.apply") { method in
        try withTwoWorkers(method) { pool in
            ["apply 5": "\(try pool.apply(F.square, 5))", "apply 3": "\(try pool.apply(F.square, 3))"]
        }
    }

    // CPython: _TestPool.test_map
    public static let map = Scenario("conformance.manager.pool.map") { method in
        try withTwoWorkers(method) { pool in
            ["map": "\(try pool.map(F.square, 0..<10) == squares(0..<10))",
             "map chunksize 20": "\(try pool.map(F.square, 0..<100, chunksize: 20) == squares(0..<100))"]
        }
    }

    // CPython: _TestPool.test_starmap
    public static let starmap = Scenario("conformance.manager.pool.starmap") { method in
        try withTwoWorkers(method) { pool in
            let pairs = (0..<10).map { ($0, $0 + 1) }
            let products = pairs.map { $0.0 * $0.1 }
            return ["starmap": "\(try pool.starmap(F.multiply, pairs) == products)",
                    "starmap chunksize 20": "\(try pool.starmap(F.multiply, pairs, chunksize: 20) == products)"]
        }
    }

    // CPython: _TestPool.test_map_async
    public static let mapAsync = Scenario("conformance.manager.pool.mapAsync") { method in
        try withTwoWorkers(method) { pool in
            let result = try pool.mapAsync(F.square, 0..<10)
            return ["get": "\(try result.get(timeout: .seconds(10)) == squares(0..<10))"]
        }
    }

    // CPython: _TestPool.test_map_chunksize
    public static let mapChunksize = Scenario("conformance.manager.pool.mapChunksize") { method in
        try withTwoWorkers(method) { pool in
            ["empty": "\(try pool.mapAsync(F.square, [], chunksize: 1).get(timeout: .seconds(1)))"]
        }
    }

    // CPython: _TestPool.test_async
    public static let asyncApply = Scenario("conformance.manager.pool.async") { method in
        try withTwoWorkers(method) { pool in
            let result = try pool.applyAsync(F.sleep, 100)
            let start = ContinuousClock.now
            let value = try result.get(timeout: .seconds(10))
            return ["get": "\(value)", "timing": timing(milliseconds(since: start), expected: 100)]
        }
    }

    // CPython: _TestPool.test_async_timeout
    public static let asyncTimeout = Scenario("conformance.manager.pool.asyncTimeout") { method in
        try withTwoWorkers(method) { pool in
            let result = try pool.applyAsync(F.sleep, 2_000)
            let start = ContinuousClock.now
            let code = errorCode { _ = try result.get(timeout: .milliseconds(200)) }
            return ["get": code, "timing": timing(milliseconds(since: start), expected: 200)]
        }
    }

    // CPython: _TestPool.test_empty_iterable
    public static let emptyIterable = Scenario("conformance.manager.pool.emptyIterable") { method in
        try withTwoWorkers(method) { pool in
            ["map": "\(try pool.map(F.square, []))",
             "mapAsync": "\(try pool.mapAsync(F.square, []).get(timeout: .seconds(5)))"]
        }
    }

    // CPython: _TestPool.test_terminate
    public static let terminate = Scenario("conformance.manager.pool.terminate") { method in
        try withTwoWorkers(method) { pool in
            let result = try pool.mapAsync(F.sleep, Array(repeating: 100, count: 100), chunksize: 1)
            try pool.terminate()
            let start = ContinuousClock.now
            let joined = errorCode { try pool.join() }
            let elapsed = milliseconds(since: start)
            return ["join": joined, "join under 2 s": "\(elapsed < 2_000)",
                    "result": errorCode { _ = try result.get(timeout: .seconds(5)) }]
        }
    }

    // CPython: _TestPool.test_traceback (the task's error reaches the caller, with its description)
    public static let traceback = Scenario("conformance.manager.pool.traceback") { method in
        try withTwoWorkers(method) { pool in
            var seen = Observations()
            do {
                _ = try pool.apply(F.failOnThree, 3)
                seen["apply"] = "no error"
            } catch let error as PoolError {
                seen["apply"] = error.code.description
                seen["remote"] = error.remoteDescription ?? "nil"
            }
            return seen
        }
    }

    public static let all: [RegisteredFunction] = [
        apply.registration, map.registration, starmap.registration, mapAsync.registration, mapChunksize.registration,
        asyncApply.registration, asyncTimeout.registration, emptyIterable.registration, terminate.registration,
        traceback.registration,
    ]
}
