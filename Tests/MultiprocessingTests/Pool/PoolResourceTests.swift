#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing
import MultiprocessingTestFunctions
import Testing

/// Resources in a pool's initializer arguments (Python's `initargs=(lock,)`) and in its tasks' arguments (which
/// Python refuses).
extension MultiprocessingSuite {
    struct PoolResourceTests {
        typealias F = ResourceTestFunctions

        @Test(arguments: runnerMethods)
        func aLockInTheInitializersArgumentsSerializesEveryWorker(method: StartMethod) throws {
            defer { finishMethod(method) }
            let tasks = 24
            let lock = try Lock()
            let log = try SharedArray<Int32>(repeating: 0, count: 1 + 2 * tasks, lock: false)
            // Two tasks per worker: the workers that replace them must get the lock too.
            let pool = try Pool(processes: 2, initializer: F.keepLog.delayed(Pair(lock, log)), maxTasksPerChild: 2,
                                context: workerContext(method))
            defer { pool.terminate() }
            let workers = try pool.map(F.appendLocked, 0..<tasks, chunksize: 1)
            #expect(Set(workers).count >= tasks / 2, "workers were replaced")
            let entries = log.copy()
            #expect(entries[0] == Int32(2 * tasks))
            // Each worker's two entries are next to each other: no other worker wrote in between.
            for task in 0..<tasks {
                #expect(entries[1 + 2 * task] == entries[2 + 2 * task])
                #expect(entries[1 + 2 * task] != 0)
            }
            pool.close()
            try pool.join()
        }

        @Test(arguments: runnerMethods)
        func tasksIncrementASharedValueTheyWereGiven(method: StartMethod) throws {
            defer { finishMethod(method) }
            let value = try SharedValue<Int64>(0)
            let pool = try Pool(processes: 2, context: workerContext(method))
            defer { pool.terminate() }
            let before = openSharedMemoryDescriptorCount()
            let results = try pool.map(F.increment, Array(repeating: value, count: 20), chunksize: 3)
            #expect(value.value == 20)
            #expect(results.sorted() == Array(1...20))
            #expect(try pool.apply(F.increment, value) == 21)
            #expect(try pool.applyAsync(F.increment, value).get(timeout: .seconds(10)) == 22)
            // The duplicates the pool held for the tasks are closed once they are done.
            #expect(openSharedMemoryDescriptorCount() == before)
            pool.close()
            try pool.join()
        }

        @Test
        func aResultThatHoldsAResourceIsAClearErrorNotAHang() throws {
            let context = workerContext(.spawn)
            try withPool(processes: 1, context: context) { (pool: Pool) throws in
                let error = poolError { _ = try pool.apply(F.makeLock, 0) }
                #expect(error?.code == .taskFailed)
                #expect(error?.remoteDescription?.contains("holds descriptors") == true)
                // The worker goes on.
                #expect(try pool.apply(F.increment, try SharedValue<Int64>(1)) == 2)
            }
            let error = #expect(throws: MultiprocessingError.self) { _ = try F.makeLock.run(0, context: context) }
            #expect(error?.code == .childFailed)
        }

        @Test
        func parallelCallsCarryResourcesToo() throws {
            let value = try SharedValue<Int64>(0)
            let results = try Parallel(jobs: 2, context: workerContext(.spawn))(
                (0..<6).map { _ in F.increment.delayed(value) })
            #expect(results.sorted() == Array(1...6))
            #expect(value.value == 6)
        }
    }
}
