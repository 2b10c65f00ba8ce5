#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing
import MultiprocessingManagers
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    struct ManagerPoolTests {
        @Test
        func aPoolOnTheServerAppliesAndMapsForThisProcessAndAChild() throws {
            let context = workerContext(.spawn)
            try withManager(context: context) { manager in
                let pool = try manager.pool(processes: 2)
                #expect(try pool.processes() == 2)
                #expect(try pool.apply(PoolTestFunctions.square, 3) == 10)
                #expect(try pool.map(PoolTestFunctions.square, 0..<10) == (0..<10).map { $0 * $0 + 1 })
                #expect(try pool.map(PoolTestFunctions.square, [Int]()) == [])
                #expect(try pool.map(PoolTestFunctions.square, 0..<5, chunksize: 2) == [1, 2, 5, 10, 17])
                #expect(try pool.starmap(PoolTestFunctions.multiply, [(2, 3), (4, 5)]) == [6, 20])
                let pending = try pool.applyAsync(PoolTestFunctions.sleep, 300)
                #expect(try !pending.isReady())
                #expect(try pending.get(timeout: .seconds(10)) == 300)
                #expect(try pending.isReady() && pending.get() == 300)

                let child = Process(target: ManagerProxyTestFunctions.usePool, arguments: pool, context: context)
                try child.start()
                let used = try child.value(as: [Int].self, timeout: .seconds(20))
                #expect(used == [50, (0..<10).map { $0 * $0 + 1 }.reduce(0, +)])
                try pool.close()
                try pool.join()
            }
        }

        @Test
        func failuresTimeoutsAndAClosedPoolAreReported() throws {
            try withManager(context: workerContext(.spawn)) { manager in
                let pool = try manager.pool(processes: 1)
                let failed = #expect(throws: PoolError.self) { try pool.map(PoolTestFunctions.failOnThree, 0..<5) }
                #expect(failed?.code == .taskFailed && failed?.index == 3)
                let slow = try pool.applyAsync(PoolTestFunctions.sleep, 1_000)
                let timedOut = #expect(throws: PoolError.self) { try slow.get(timeout: .milliseconds(100)) }
                #expect(timedOut?.code == .timedOut)
                #expect(try slow.get(timeout: .seconds(10)) == 1_000)
                let chunksize = #expect(throws: PoolError.self) {
                    try pool.map(PoolTestFunctions.square, 0..<3, chunksize: 0)
                }
                #expect(chunksize?.code == .invalidArgument)
                let running = #expect(throws: MultiprocessingError.self) { try pool.join() }
                #expect(running?.code == .remoteError)
                try pool.close()
                let closed = #expect(throws: PoolError.self) { try pool.apply(PoolTestFunctions.square, 1) }
                #expect(closed?.code == .closed)
                try pool.join()
            }
        }

        @Test
        func theServerBoundsThePoolsWorkers() throws {
            try withManager(context: workerContext(.spawn)) { manager in
                let none = #expect(throws: MultiprocessingError.self) { try manager.pool(processes: 0) }
                #expect(none?.code == .invalidArgument)
                let many = #expect(throws: MultiprocessingError.self) { try manager.pool(processes: 65) }
                #expect(many?.remoteDescription?.contains("at most 64 workers") == true)
                let small = try manager.pool(processes: 1)
                try small.terminate()
                let terminated = #expect(throws: PoolError.self) { try small.apply(PoolTestFunctions.square, 1) }
                #expect(terminated?.code == .closed)
            }
        }

        @Test
        func aClientThatDisconnectsWhileWaitingLeavesThePoolServing() throws {
            let context = workerContext(.spawn)
            try withManager(context: context) { manager in
                let pool = try manager.pool(processes: 1)
                let ready = try manager.event()
                try killWhileBlocked(ManagerProxyTestFunctions.waitOnPool, Blocking(pool, ready: ready),
                                     ready: ready, context: context)
                #expect(try pool.apply(PoolTestFunctions.square, 4) == 17)
                // The left client's job is forgotten, its outcome too once it came.
                #expect(pool.proxy.description.hasSuffix("jobs=0 abandoned=0>"))
                let dict = try manager.dict()
                try dict.set("alive", true)
                #expect(try dict["alive"] == true)
            }
        }

        @Test
        func theServersPoolWorkersEndWithIt() throws {
            let manager = try Manager(context: workerContext(.spawn))
            let pool = try manager.pool(processes: 2)
            let workers = try pool.map(PoolTestFunctions.workerID, 0..<8, chunksize: 1)
            #expect(!workers.isEmpty)
            manager.shutdown()
            for pid in Set(workers) { #expect(diesSoon(pid)) }
        }
    }
}
