// The scenarios of CPython's `_TestPool`, `_TestPoolWorkerLifetime` and `TestInitializers`. CPython's `sqr(x)` is
// `PoolTestFunctions.square` here (x * x + 1), its `mul` is `multiply`.
#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing

public enum PoolScenarios {
    typealias F = PoolTestFunctions

    /// `f(x)` for every x, as Python computes it here.
    static func squares(_ items: some Sequence<Int>) -> [Int] { items.map { $0 * $0 + 1 } }

    /// Runs `body` with a pool of two workers of `method`.
    static func withTwoWorkers(_ method: String, _ body: (Pool) throws -> Observations) throws -> Observations {
        try withPool(processes: 2, context: context(method), body)
    }

    // CPython: _TestPool.test_apply
    public static let apply = Scenario("conformance.pool.apply") { method in
        try withTwoWorkers(method) { pool in
            ["apply 5": "\(try pool.apply(F.square, 5))", "apply 3": "\(try pool.apply(F.square, 3))"]
        }
    }

    // CPython: _TestPool.test_map
    public static let map = Scenario("conformance.pool.map") { method in
        try withTwoWorkers(method) { pool in
            ["map": "\(try pool.map(F.square, 0..<10) == squares(0..<10))",
             "map chunksize 20": "\(try pool.map(F.square, 0..<100, chunksize: 20) == squares(0..<100))"]
        }
    }

    // CPython: _TestPool.test_starmap
    public static let starmap = Scenario("conformance.pool.starmap") { method in
        try withTwoWorkers(method) { pool in
            let pairs = (0..<10).map { ($0, $0 + 1) }
            let products = pairs.map { $0.0 * $0.1 }
            return ["starmap": "\(try pool.starmap(F.multiply, pairs) == products)",
                    "starmap chunksize 20": "\(try pool.starmap(F.multiply, pairs, chunksize: 20) == products)"]
        }
    }

    // CPython: _TestPool.test_map_async
    public static let mapAsync = Scenario("conformance.pool.mapAsync") { method in
        try withTwoWorkers(method) { pool in
            ["get": "\(try pool.mapAsync(F.square, 0..<10).get(timeout: .seconds(10)) == squares(0..<10))"]
        }
    }

    // CPython: _TestPool.test_map_chunksize
    public static let mapChunksize = Scenario("conformance.pool.mapChunksize") { method in
        try withTwoWorkers(method) { pool in
            ["empty": "\(try pool.mapAsync(F.square, [], chunksize: 1).get(timeout: .seconds(1)))"]
        }
    }

    // CPython: _TestPool.test_async
    public static let asyncApply = Scenario("conformance.pool.async") { method in
        try withTwoWorkers(method) { pool in
            let result = try pool.applyAsync(F.sleep, 100)
            let start = ContinuousClock.now
            let value = try result.get(timeout: .seconds(10))
            return ["get": "\(value)", "timing": timing(milliseconds(since: start), expected: 100)]
        }
    }

    // CPython: _TestPool.test_async_timeout
    public static let asyncTimeout = Scenario("conformance.pool.asyncTimeout") { method in
        try withTwoWorkers(method) { pool in
            let result = try pool.applyAsync(F.sleep, 2_000)
            let start = ContinuousClock.now
            let code = errorCode { _ = try result.get(timeout: .milliseconds(200)) }
            return ["get": code, "timing": timing(milliseconds(since: start), expected: 200)]
        }
    }

    // CPython: _TestPool.test_imap
    public static let imap = Scenario("conformance.pool.imap") { method in
        try withTwoWorkers(method) { pool in
            let all = try pool.imap(F.square, 0..<10).map { try $0.get() }
            let iterator = try pool.imap(F.square, 0..<10)
            var oneByOne: [Int] = []
            for _ in 0..<10 { oneByOne.append(try iterator.next()!.get()) }
            let exhausted = iterator.next() == nil
            let chunked = try pool.imap(F.square, 0..<1000, chunksize: 100).map { try $0.get() }
            return ["list": "\(all == squares(0..<10))", "next": "\(oneByOne == squares(0..<10))",
                    "stops": "\(exhausted)", "chunksize 100": "\(chunked == squares(0..<1000))"]
        }
    }

    // CPython: _TestPool.test_imap_unordered
    public static let imapUnordered = Scenario("conformance.pool.imapUnordered") { method in
        try withTwoWorkers(method) { pool in
            let all = try pool.imapUnordered(F.square, 0..<100).map { try $0.get() }
            let chunked = try pool.imapUnordered(F.square, 0..<1000, chunksize: 100).map { try $0.get() }
            return ["sorted": "\(all.sorted() == squares(0..<100))",
                    "chunksize 100": "\(chunked.sorted() == squares(0..<1000))"]
        }
    }

    // CPython: _TestPool.test_make_pool
    public static let makePool = Scenario("conformance.pool.makePool") { method in
        let pool = try Pool(processes: 3, context: context(method))
        defer { pool.terminate() }
        return ["processes": "\(pool.processes)", "workers": "\(pool.workerIDs.count)"]
    }

    // CPython: _TestPool.test_terminate
    public static let terminate = Scenario("conformance.pool.terminate") { method in
        let pool = try Pool(processes: 2, context: context(method))
        let result = try pool.mapAsync(F.sleep, Array(repeating: 100, count: 100), chunksize: 1)
        pool.terminate()
        let start = ContinuousClock.now
        let joined = errorCode { try pool.join() }
        let elapsed = milliseconds(since: start)
        return ["join": joined, "join under 2 s": "\(elapsed < 2_000)",
                "result": errorCode { _ = try result.get(timeout: .seconds(5)) }]
    }

    // CPython: _TestPool.test_empty_iterable
    public static let emptyIterable = Scenario("conformance.pool.emptyIterable") { method in
        try withTwoWorkers(method) { pool in
            ["map": "\(try pool.map(F.square, []))",
             "imap": "\(try pool.imap(F.square, [Int]()).map { try $0.get() })",
             "imapUnordered": "\(try pool.imapUnordered(F.square, [Int]()).map { try $0.get() })",
             "mapAsync": "\(try pool.mapAsync(F.square, []).get(timeout: .seconds(5)))"]
        }
    }

    // CPython: _TestPool.test_context
    public static let contextManager = Scenario("conformance.pool.context") { method in
        var seen = Observations()
        var used: Pool?
        try withPool(processes: 2, context: context(method)) { pool in
            used = pool
            seen["get"] = "\(try pool.mapAsync(F.square, 0..<10).get(timeout: .seconds(10)) == squares(0..<10))"
        }
        seen["after"] = errorCode { _ = try used!.mapAsync(F.square, 0..<10) }
        return seen
    }

    // CPython: _TestPool.test_traceback
    public static let traceback = Scenario("conformance.pool.traceback") { method in
        try withTwoWorkers(method) { pool in
            do throws(PoolError) {
                _ = try pool.apply(F.failOnThree, 3)
                return ["error": "none"]
            } catch {
                return ["error": error.code.description, "remote": describe(error.remoteDescription)]
            }
        }
    }

    // CPython: _TestPool.test_wrapped_exception
    public static let wrappedException = Scenario("conformance.pool.wrapped") { method in
        try withPool(processes: 1, context: context(method)) { pool in
            ["apply": errorCode { _ = try pool.apply(F.failOnThree, 3) }]
        }
    }

    // CPython: _TestPool.test_map_no_failfast
    public static let mapNoFailfast = Scenario("conformance.pool.mapNoFailfast") { method in
        let pool = try Pool(processes: 2, context: context(method))
        defer { pool.terminate() }
        let failed = errorCode { _ = try pool.map(F.failOnThree, 0..<6) }
        pool.close()
        let start = ContinuousClock.now
        let joined = errorCode { try pool.join() }
        return ["map": failed, "join": joined, "join under 2 s": "\(milliseconds(since: start) < 2_000)"]
    }

    // CPython: _TestPoolWorkerLifetime.test_pool_worker_lifetime
    public static let workerLifetime = Scenario("conformance.pool.workerLifetime") { method in
        let pool = try Pool(processes: 2, maxTasksPerChild: 10, context: context(method))
        defer { pool.terminate() }
        let original = Set(pool.workerIDs.map(\.rawValue))
        let results = try (0..<50).map { try pool.applyAsync(F.square, $0) }
        let values = try results.map { try $0.get(timeout: .seconds(20)) }
        let seen = Set(try (0..<4).map { _ in try pool.apply(F.workerID, 0) })
        return ["results": "\(values == squares(0..<50))", "workers": "\(pool.workerIDs.count)",
                "replaced": "\(seen.isDisjoint(with: original))"]
    }

    // CPython: _TestPoolWorkerLifetime.test_pool_worker_lifetime_early_close
    public static let workerLifetimeEarlyClose = Scenario("conformance.pool.workerLifetimeEarlyClose") { method in
        let pool = try Pool(processes: 2, maxTasksPerChild: 1, context: context(method))
        defer { pool.terminate() }
        let results = try (0..<6).map { _ in try pool.applyAsync(F.sleep, 20) }
        pool.close()
        let joined = errorCode { try pool.join() }
        let values = try results.map { try $0.get(timeout: .seconds(5)) }
        return ["join": joined, "results": values.map(String.init).joined(separator: ",")]
    }

    // CPython: TestInitializers.test_pool_initializer
    public static let initializer = Scenario("conformance.pool.initializer") { method in
        let pool = try Pool(processes: 1, initializer: F.initialize.delayed("initialized"), context: context(method))
        defer { pool.terminate() }
        return ["greeting": try pool.apply(F.readGreeting, 0)]
    }

    public static let all: [RegisteredFunction] = [
        apply.registration, map.registration, starmap.registration, mapAsync.registration, mapChunksize.registration,
        asyncApply.registration, asyncTimeout.registration, imap.registration, imapUnordered.registration,
        makePool.registration, terminate.registration, emptyIterable.registration, contextManager.registration,
        traceback.registration, wrappedException.registration, mapNoFailfast.registration,
        workerLifetime.registration, workerLifetimeEarlyClose.registration, initializer.registration,
    ]
}
