/// Runs a lesson's cells in order, one child process each, and collects their results.
public struct LessonExecution: Sendable {
    /// What runs each cell.
    public var executor: CellExecutor

    public init(executor: CellExecutor = CellExecutor()) {
        self.executor = executor
    }

    /// Runs the cells of `lesson` whose ids are in `cellIDs` (all cells when nil), in document order.
    ///
    /// A cell that fails, crashes or times out does not stop the run; SIGINT or SIGTERM does, after ending the
    /// running cell (once ``InterruptSignal/install()`` was called).
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
            let result = executor.run(cell, arguments: arguments) { stream, bytes in
                observer?.cell(cell, printed: bytes, on: stream)
            }
            observer?.cellDidFinish(cell, result: result, in: lesson)
            results.append(result)
            if InterruptSignal.received != nil { break }
        }
        return LessonRunResult(lesson: lesson, results: results, duration: clock.now - start)
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
