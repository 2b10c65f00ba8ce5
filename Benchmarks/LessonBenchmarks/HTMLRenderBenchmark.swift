// `lesson-benchmarks html [ITERATIONS]`: the HTML report of the course (every lesson in Lessons/), rendered from
// results already in memory (a cache of the cells' results), and with the cells executed by the release demo host, `lesson-demos`.
import LessonRunner

func runHTMLBenchmark(iterations: Int) throws {
    let lessonsFolder = packageRoot.appending("Lessons").string
    let host = DemoHostExecutable(path: demoHost)
    let parser = LessonParser(demos: try host.catalog())
    let lessons = try LessonFiles.collect([lessonsFolder]).map { try parser.load(path: $0.path) }
    let execution = LessonExecution(executor: host.executor())
    let cellCount = lessons.map(\.cells.count).reduce(0, +)
    var bytes = 0

    // Warm-up: the first render parses the templates and warms swift-syntax's parser.
    var runs = lessons.map { execution.run($0) }
    for run in runs { bytes += HTMLReport().render(run).count }

    let renderOnly = measure {
        for run in runs { bytes &+= HTMLReport().render(run).count }
    }
    let markdownOnly = measure {
        for run in runs { bytes &+= MarkdownReport().render(run).count }
    }
    let clock = ContinuousClock()
    var executeAndRender: [Double] = []
    var executionOnly: [Double] = []
    for _ in 0..<iterations {
        let start = clock.now
        runs = lessons.map { execution.run($0) }
        let executed = clock.now
        for run in runs { bytes &+= HTMLReport().render(run).count }
        let end = clock.now
        executeAndRender.append(milliseconds(of: end - start))
        executionOnly.append(milliseconds(of: executed - start))
    }
    executeAndRender.sort()
    executionOnly.sort()

    print("HTML report of Lessons/ (\(lessons.count) lesson(s), \(cellCount) cells); medians.\n")
    print("| Measurement | Time |")
    print("|---|---|")
    print("| render HTML from results in memory (cached) | \(format(renderOnly.median)) |")
    print("| render Markdown from results in memory, for scale | \(format(markdownOnly.median)) |")
    print("| execute the cells, then render HTML (\(iterations) runs) | "
        + "\(format(executeAndRender[executeAndRender.count / 2])) |")
    print("| of which executing the cells | \(format(executionOnly[executionOnly.count / 2])) |")
    if bytes == 42 { print("") }  // Keeps the renders from being optimised away.
}

func milliseconds(of duration: Duration) -> Double {
    Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) * 1e-15
}

private func format(_ value: Double) -> String {
    "\((value * 1000).rounded() / 1000) ms"
}
