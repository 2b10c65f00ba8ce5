import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    /// The primitives under the `fork` start method, exercised inside the worker (a freshly spawned worker is
    /// single-threaded, as a program that uses `fork` must be).
    struct ForkSynchronizationTests {
        @Test
        func everyPrimitiveUnderFork() throws {
            let lines = try SynchronizationTestFunctions.forkScenario.run(Empty(), context: workerContext(.spawn))
            let report = Dictionary(uniqueKeysWithValues: lines.map { line in
                let parts = line.split(separator: "=", maxSplits: 1)
                return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
            })
            #expect(report["counter"] == "40000")
            #expect(report["dead-owner"] == "ownerDied")
            #expect(report["after-dead-owner"] == "true")
            #expect(report["barrier"] == "0,1,2")
            #expect(report["condition-woken"] == "2")
            #expect(report["semaphore-most"] == "1")
            #expect(report["event"] == "true")
            #expect(report["negated"] == "0,-1,-2,-3,-4,-5,-6,-7,-8,-9 3.25")
            #expect(report["children-left"] == "0")
        }
    }
}
