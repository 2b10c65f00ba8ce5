#if canImport(Glibc)
import Glibc
#endif
import LessonTestSupport
import Multiprocessing
import MultiprocessingTestFunctions
import Synchronization
import Testing

extension MultiprocessingSuite {
    /// Pool: each method, errors with their index, workers that die, terminate, maxTasksPerChild, initializer.
    struct PoolTests {
        typealias F = PoolTestFunctions

        @Test func mapStarmapAndApplyReturnResultsInInputOrder() throws {
            try withPool(processes: 2, context: workerContext(.spawn)) { (pool: Pool) throws in
                let expected = (0..<100).map { $0 * $0 + 1 }
                #expect(try pool.map(F.square, 0..<100) == expected)
                #expect(try pool.map(F.square, 0..<100, chunksize: 7) == expected)
                #expect(try pool.map(F.square, [Int]()) == [])
                #expect(try pool.starmap(F.multiply, [(2, 3), (4, 5), (6, 7)]) == [6, 20, 42])
                #expect(try pool.apply(F.square, 9) == 82)
                #expect(try pool.mapAsync(F.square, 0..<10).get(timeout: .seconds(10)) == Array(expected[..<10]))
            }
        }

        /// CPython: _TestPool.test_async (callback), test_async_error_callback, test_starmap_async,
        /// test_map_async_callbacks.
        @Test func asyncCallsRunTheirCallbacksInCallOrderBeforeJoinReturns() throws {
            let pool = try Pool(processes: 2, context: workerContext(.spawn))
            let seen = Mutex<[String]>([])
            _ = try pool.applyAsync(F.sleep, 100, callback: { value in seen.withLock { $0.append("apply \(value)") } })
            _ = try pool.applyAsync(
                F.failOnThree, 3, callback: { _ in seen.withLock { $0.append("unexpected value") } },
                errorCallback: { error in seen.withLock { $0.append("error \(error.code)") } })
            _ = try pool.mapAsync(F.square, [1, 2], callback: { values in seen.withLock { $0.append("map \(values)") } })
            let starmapped = try pool.starmapAsync(
                F.multiply, [(2, 3), (4, 5)], callback: { values in seen.withLock { $0.append("starmap \(values)") } })
            #expect(try starmapped.get(timeout: .seconds(10)) == [6, 20])
            pool.close()
            try pool.join()
            #expect(seen.withLock { $0 } == ["apply 100", "error taskFailed", "map [2, 5]", "starmap [6, 20]"])
        }

        @Test func applyAsyncTimesOutThenDelivers() throws {
            try withPool(processes: 2, context: workerContext(.spawn)) { (pool: Pool) throws in
                let result = try pool.applyAsync(F.sleep, 300)
                #expect(!result.isReady)
                #expect(throws: PoolError.self) { try result.get(timeout: .milliseconds(20)) }
                #expect(try result.get(timeout: .seconds(10)) == 300)
                #expect(result.isReady)
            }
        }

        @Test func imapIsLazyOnAnEndlessInput() throws {
            try withPool(processes: 2, context: workerContext(.spawn)) { (pool: Pool) throws in
                let firstTwenty = try pool.imap(F.square, 0...).prefix(20).map { try? $0.get() }
                #expect(firstTwenty == (0..<20).map { $0 * $0 + 1 })
                let chunked = try pool.imap(F.square, 0..., chunksize: 5).prefix(12).map { try? $0.get() }
                #expect(chunked == (0..<12).map { $0 * $0 + 1 })
                let unordered = try pool.imapUnordered(F.square, 0..<30).compactMap { try? $0.get() }
                #expect(unordered.sorted() == (0..<30).map { $0 * $0 + 1 })
                // The pool still serves after abandoned iterations.
                #expect(try pool.map(F.square, 0..<4) == [1, 2, 5, 10])
            }
        }

        @Test func aTaskErrorComesBackWithItsIndexAndSparesTheOthers() throws {
            try withPool(processes: 2, context: workerContext(.spawn)) { (pool: Pool) throws in
                let error = poolError { _ = try pool.map(F.failOnThree, 0..<8, chunksize: 2) }
                #expect(error?.code == .taskFailed)
                #expect(error?.index == 3)
                #expect(error?.remoteDescription?.contains("three is refused") == true)
                let results = Array(try pool.imap(F.failOnThree, 0..<8, chunksize: 3))
                #expect(results.count == 8)
                for (index, result) in results.enumerated() {
                    switch result {
                    case .success(let value): #expect(index != 3 && value == index * index)
                    case .failure(let error): #expect(index == 3 && error.index == 3)
                    }
                }
                #expect(throws: PoolError.self) { try pool.apply(F.failOnThree, 3) }
                #expect(try pool.apply(F.failOnThree, 4) == 16)
            }
        }

        /// SIGKILL, a crash (abort), an exit: the task fails at once with the status, the pool replaces the worker.
        @Test(arguments: [0, 1, 2])
        func aWorkerThatDiesFailsItsTaskAndIsReplaced(kind: Int) throws {
            try withPool(processes: 2, context: workerContext(.spawn)) { (pool: Pool) throws in
                let before = Set(pool.workerIDs.map(\.rawValue))
                let items = (0..<10).map { Pair($0, kind) }
                let clock = ContinuousClock()
                let started = clock.now
                let error = poolError { _ = try pool.map(F.dieOn, items, chunksize: 1) }
                #expect(error?.code == .workerDied)
                #expect(error?.index == 5)
                #expect(error?.message.contains("item 5") == true)
                switch kind {
                case 0: #expect(error?.status == .signaled(.kill))
                case 1: #expect(error?.status == .signaled(.abort))
                default: #expect(error?.status == .exited(7))
                }
                #expect(clock.now - started < .seconds(2))
                // Served on: a new worker replaced the dead one.
                #expect(try pool.map(F.square, 0..<10) == (0..<10).map { $0 * $0 + 1 })
                let after = Set(pool.workerIDs.map(\.rawValue))
                #expect(after.count == 2)
                #expect(after != before)
                // The death is seen within 100 ms: measured on one task alone, on a warm pool.
                let alone = clock.now
                #expect(throws: PoolError.self) { try pool.apply(F.dieOn, Pair(5, kind)) }
                #expect(clock.now - alone < .milliseconds(100))
            }
        }

        @Test func terminateNeverWaitsForATaskAndLeavesNoWorker() throws {
            let pool = try Pool(processes: 2, context: workerContext(.spawn))
            let workers = pool.workerIDs.map(\.rawValue)
            let result = try pool.applyAsync(F.sleep, 10_000)
            let clock = ContinuousClock()
            let started = clock.now
            pool.terminate()
            #expect(clock.now - started < .seconds(1))
            let error = poolError { _ = try result.get(timeout: .seconds(1)) }
            #expect(error?.code == .terminated)
            #expect(throws: PoolError.self) { try pool.map(F.square, 0..<2) }
            for worker in workers { #expect(diesSoon(worker)) }
        }

        @Test func closeThenJoinFinishesTheTasks() throws {
            let pool = try Pool(processes: 2, context: workerContext(.spawn))
            let workers = pool.workerIDs.map(\.rawValue)
            let pending = try pool.mapAsync(F.sleep, [30, 30, 30])
            #expect(throws: PoolError.self) { try pool.join() }
            pool.close()
            #expect(throws: PoolError.self) { try pool.apply(F.square, 1) }
            try pool.join()
            #expect(try pending.get(timeout: .zero) == [30, 30, 30])
            for worker in workers { #expect(diesSoon(worker)) }
        }

        @Test func withPoolTerminatesItsWorkers() throws {
            var workers: [Int32] = []
            let results = try withPool(processes: 4, context: workerContext(.spawn)) { (pool: Pool) throws in
                workers = pool.workerIDs.map(\.rawValue)
                return try pool.map(F.square, 0..<8)
            }
            #expect(results == (0..<8).map { $0 * $0 + 1 })
            #expect(workers.count == 4)
            for worker in workers { #expect(diesSoon(worker)) }
        }

        @Test func maxTasksPerChildReplacesWorkers() throws {
            try withPool(processes: 1, maxTasksPerChild: 2, context: workerContext(.spawn)) { (pool: Pool) throws in
                let ids = try pool.map(F.workerID, 0..<6, chunksize: 1)
                #expect(Set(ids).count == 3)
                #expect(ids[0] == ids[1] && ids[2] == ids[3] && ids[4] == ids[5])
            }
        }

        @Test func theInitializerRunsInEveryWorker() throws {
            let pool = try Pool(processes: 2, initializer: F.initialize.delayed("hello"),
                                context: workerContext(.spawn))
            defer { pool.terminate() }
            #expect(try pool.map(F.readGreeting, 0..<6, chunksize: 1) == Array(repeating: "hello", count: 6))

            let broken = try Pool(processes: 1, initializer: F.failToInitialize.delayed(""),
                                  context: workerContext(.spawn))
            defer { broken.terminate() }
            let error = poolError { _ = try broken.map(F.square, 0..<4) }
            #expect(error?.code == .initializerFailed)
        }

        @Test func noWorkerOutlivesAKilledParent() throws {
            let (parentEnd, childEnd) = try Pipe()
            let middle = Process(target: F.poolInChild, arguments: childEnd, context: workerContext(.spawn))
            try middle.start()
            let workers = try parentEnd.recv([Int32].self)
            #expect(workers.count == 2)
            try middle.kill()
            try middle.join()
            for worker in workers { #expect(diesSoon(worker)) }
        }

        @Test func forkserverWorkersServeToo() throws {
            defer { finishMethod(.forkserver) }
            try withPool(processes: 2, context: workerContext(.forkserver)) { (pool: Pool) throws in
                #expect(try pool.map(F.square, 0..<20) == (0..<20).map { $0 * $0 + 1 })
                #expect(throws: PoolError.self) { try pool.apply(F.dieOn, Pair(5, 0)) }
                #expect(try pool.apply(F.square, 3) == 10)
            }
        }
    }
}
