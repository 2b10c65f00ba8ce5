import Multiprocessing
import MultiprocessingTestFunctions
import Testing

/// Counts passed to `Pool` and `Parallel` that are not positive throw ``PoolError/Code/invalidArgument`` (Python's
/// `ValueError`) before any worker starts.
extension MultiprocessingSuite {
    struct PoolArgumentTests {
        typealias F = PoolTestFunctions

        @Test(arguments: [0, -1, Int.min])
        func countsThatAreNotPositiveAreAnError(count: Int) throws {
            let context = workerContext(.spawn)
            for make in [
                { _ = try Pool(processes: count, context: context) },
                { _ = try Pool(processes: 1, maxTasksPerChild: count, context: context) },
                { _ = try Parallel(jobs: count, context: context) },
                { _ = try Parallel(jobs: 1, batchSize: count, context: context) },
            ] as [() throws -> Void] {
                #expect(poolError(make)?.code == .invalidArgument)
            }
            try withPool(processes: 1, context: context) { (pool: Pool) throws in
                #expect(poolError { _ = try pool.map(F.square, 0..<4, chunksize: count) }?.code == .invalidArgument)
                #expect(poolError { _ = try pool.imap(F.square, 0..<4, chunksize: count) }?.code == .invalidArgument)
                #expect(poolError { _ = try pool.imapUnordered(F.square, 0..<4, chunksize: count) }?.code
                    == .invalidArgument)
                #expect(try pool.map(F.square, 0..<4, chunksize: 3) == [1, 2, 5, 10])
            }
        }
    }
}
