/// Runs a lesson's cells in order, one child process each, and collects their results.
public struct LessonExecution: Sendable {
    /// What runs each cell.
    public var executor: CellExecutor
    /// Where results of earlier runs are kept, or nil to run every cell.
    public var cache: ResultCache?

    public init(executor: CellExecutor = CellExecutor(), cache: ResultCache? = nil) {
        self.executor = executor
        self.cache = cache
    }

    /// Runs the cells of `lesson` whose ids are in `cellIDs` (all cells when nil), in document order.
    ///
    /// A cell that fails, crashes or times out does not stop the run; SIGINT or SIGTERM does, after ending the
    /// running cell (once ``InterruptSignal/install()`` was called). Unless `arguments` replace the cells' own, each
    /// cell's output is compared with its expected blocks (see ``OutputCheck``).
    ///
    /// - Parameters:
    ///   - arguments: Demo arguments that replace every selected cell's `args=`.
    ///   - observer: Told when each cell starts, prints and finishes.
    public func run(
        _ lesson: Lesson, cellIDs: Set<String>? = nil, arguments: [String]? = nil,
        observer: (any LessonRunObserver)? = nil
    ) -> LessonRunResult {
        let clock = ContinuousClock()
        let start = clock.now
        var results: [CellResult] = []
        let selected = lesson.cells.filter { cellIDs?.contains($0.id) ?? true }
        for (index, cell) in selected.enumerated() {
            observer?.cellWillStart(cell, index: index, of: selected.count, in: lesson)
            var result = runCell(cell, arguments: arguments, observer: observer)
            // Output run with other arguments than the lesson's cannot be held against its expected blocks.
            if arguments == nil { result = OutputCheck.judged(result, for: cell) }
            observer?.cellDidFinish(cell, result: result, in: lesson)
            results.append(result)
            if InterruptSignal.received != nil { break }
        }
        return LessonRunResult(lesson: lesson, results: results, duration: clock.now - start)
    }
}

extension LessonExecution {
    /// Runs one cell, or takes its execution from the cache when the cache has it.
    private func runCell(_ cell: Cell, arguments: [String]?, observer: (any LessonRunObserver)?) -> CellResult {
        if cell.options.skip { return .skipped(cell) }
        let key = arguments == nil ? cache?.key(for: cell) : nil
        if let key, let cached = cache?.execution(for: key) {
            var result = cached.judged(cellID: cell.id, expectation: cell.options.expectation)
            result.isCached = true
            return result
        }
        let execution = executor.execute(
            demo: cell.demo, arguments: arguments ?? cell.options.arguments, timeout: cell.options.timeout
        ) { stream, bytes in
            observer?.cell(cell, printed: bytes, on: stream)
        }
        if let key, execution.launchFailure == nil { cache?.store(execution, for: key) }
        return execution.judged(cellID: cell.id, expectation: cell.options.expectation)
    }
}

/// Follows a lesson run as it happens, for progress lines and live output.
public protocol LessonRunObserver {
    /// A cell is about to start; `index` counts from 0 among the cells being run.
    func cellWillStart(_ cell: Cell, index: Int, of count: Int, in lesson: Lesson)
    /// The running cell printed these bytes.
    func cell(_ cell: Cell, printed bytes: ArraySlice<UInt8>, on stream: OutputStream)
    /// A cell ended (or was skipped).
    func cellDidFinish(_ cell: Cell, result: CellResult, in lesson: Lesson)
}

extension LessonRunObserver {
    public func cellWillStart(_ cell: Cell, index: Int, of count: Int, in lesson: Lesson) {}
    public func cell(_ cell: Cell, printed bytes: ArraySlice<UInt8>, on stream: OutputStream) {}
    public func cellDidFinish(_ cell: Cell, result: CellResult, in lesson: Lesson) {}
}

/// The results of running a lesson's cells.
public struct LessonRunResult: Sendable {
    /// The lesson that ran.
    public var lesson: Lesson
    /// One result per cell that was selected, in document order.
    public var results: [CellResult]
    /// Wall time for the whole run.
    public var duration: Duration

    public init(lesson: Lesson, results: [CellResult], duration: Duration) {
        self.lesson = lesson
        self.results = results
        self.duration = duration
    }

    /// The result of the cell with this id, if it was selected.
    public func result(for cellID: String) -> CellResult? { results.first { $0.cellID == cellID } }

    /// Whether every selected cell passed or was skipped.
    public var succeeded: Bool { results.allSatisfy(\.status.isSuccess) }

    /// How many results have each status.
    public var counts: [CellStatus: Int] { results.reduce(into: [:]) { $0[$1.status, default: 0] += 1 } }
}
