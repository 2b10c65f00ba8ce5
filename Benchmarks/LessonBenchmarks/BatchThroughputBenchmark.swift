// `lesson-benchmarks jobs [LESSONS]`: what `lesson check --jobs N` gets done on 2 cores. LESSONS generated lessons
// of 10 trivial cells each (`hello-lines`, with its expected output) are checked with 1 and with 2 jobs, in the
// release demo host, through the same LessonBatch that `check` uses; each figure is the best of 3 runs.
import LessonRunner
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

func runBatchThroughputBenchmark(lessonCount: Int) throws {
    let host = DemoHostExecutable(path: demoHost)
    let parser = LessonParser(demos: try host.catalog())
    var cell = "```swift demo=hello-lines\n```\n\n```output\nHello from a child process!\n"
    cell += "line 1 of 3\nline 2 of 3\nline 3 of 3\n```\n\n"
    let lessons = try (0..<lessonCount).map { index in
        var text = "# Lesson \(index)\n\n"
        for cellIndex in 0..<10 { text += cell.replacing("demo=hello-lines", with: "demo=hello-lines id=c\(cellIndex)") }
        return try parser.parse(Array(text.utf8), path: "lesson-\(index).md")
    }
    let cellCount = lessons.count * 10
    let clock = ContinuousClock()
    var best: [Int: Double] = [:]
    for jobs in [1, 2] {
        let batch = LessonBatch(execution: LessonExecution(executor: host.executor()), jobs: jobs)
        for _ in 0..<3 {
            let start = clock.now
            let runs = batch.run(lessons, cellIDs: nil, observer: nil)
            let seconds = milliseconds(of: clock.now - start) / 1000
            precondition(runs.allSatisfy(\.succeeded), "a generated cell did not pass")
            best[jobs] = min(best[jobs] ?? .infinity, seconds)
        }
    }
    let one = best[1]!, two = best[2]!
    func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }
    print("`lesson check` throughput: \(lessons.count) lessons × 10 trivial cells, best of 3.\n")
    print("| Jobs | Time | Cells per second |")
    print("|---|---|---|")
    print("| 1 | \(rounded(one)) s | \(Int(Double(cellCount) / one)) |")
    print("| 2 | \(rounded(two)) s | \(Int(Double(cellCount) / two)) |")
    print("\n--jobs 2 / --jobs 1 throughput: \(rounded(one / two))× (target ≥ 1.8×).")
}
