@testable import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    /// Parallel with delayed calls: joblib's `Parallel(n_jobs=2)(delayed(f)(x) for x in …)`.
    struct ParallelTests {
        typealias F = PoolTestFunctions

        @Test func resultsComeInInputOrderOnFirstAndWarmCalls() throws {
            let parallel = try Parallel(jobs: 2, context: workerContext(.spawn))
            defer { parallel.shutdown() }
            #expect(try parallel((0..<10).map { F.square.delayed($0) }) == (0..<10).map { $0 * $0 + 1 })
            #expect(try parallel((0..<500).map { F.square.delayed($0) }) == (0..<500).map { $0 * $0 + 1 })
            let mixed = try parallel([F.square.delayed(3), F.multiply.delayed(Pair(2, 5)), F.square.delayed(4)])
            #expect(mixed == [10, 10, 17])
        }

        @Test func aFailedCallThrowsWithItsIndex() throws {
            let parallel = try Parallel(jobs: 2, batchSize: 2, context: workerContext(.spawn))
            defer { parallel.shutdown() }
            let error = poolError { _ = try parallel((0..<8).map { F.failOnThree.delayed($0) }) }
            #expect(error?.code == .taskFailed)
            #expect(error?.index == 3)
            #expect(try parallel((0..<4).map { F.failOnThree.delayed($0 + 4) }) == [16, 25, 36, 49])
        }

        @Test func batchesGrowWhileTheyAreShort() {
            #expect(Parallel.adaptedSize(1, took: .milliseconds(1), remaining: 10_000, jobs: 2) == 2)
            #expect(Parallel.adaptedSize(8, took: .milliseconds(500), remaining: 10_000, jobs: 2) == 8)
            #expect(Parallel.adaptedSize(8, took: .seconds(5), remaining: 10_000, jobs: 2) == 4)
            #expect(Parallel.adaptedSize(64, took: .milliseconds(1), remaining: 40, jobs: 2) == 10)
        }
    }
}
