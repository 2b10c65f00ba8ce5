import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    /// The `fork` start method, exercised inside the worker: a freshly spawned worker is single-threaded, as a
    /// program that uses `fork` must be. The scenario reports what it saw; it also starts 2,000 forked children in a
    /// row and counts leftover descriptors and children.
    struct ForkTests {
        @Test
        func everyAPIUnderFork() throws {
            let lines = try TestFunctions.forkScenario.run(Empty(), context: workerContext(.spawn))
            let report = Dictionary(uniqueKeysWithValues: lines.map { line in
                let parts = line.split(separator: "=", maxSplits: 1)
                return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
            })
            #expect(report["square"] == "49")
            #expect(report["pingpong"] == "2,4,6")
            #expect(report["pingpong-value"] == "3")
            #expect(report["queue-sum"] == String((0..<1000).reduce(0, +)))
            #expect(report["fail"] == "childFailed planned")
            #expect(report["killed"] == "-9")
            // The worker is `Process-N` to us; its forked child is `Process-N:M`, and knows its parent's name.
            let identity = (report["identity"] ?? "").split(separator: ",").map(String.init)
            #expect(identity.count == 2 && identity[0].hasPrefix(identity[1] + ":"))
            #expect(identity.last?.hasPrefix("Process-") == true)
            #expect(report["lineage-start-method"] == "fork", "a child started with fork starts its own with fork")
            #expect(report["leaked-descriptors"] == "0")
            #expect(report["children-left"] == "0")
        }
    }
}
