import Foundation
import LessonRunner

/// The runs of the server's cells: who waits, who runs, what each printed, and the pages that watch them.
///
/// Run state belongs to the server, not to a page: a page that opens (a second tab, a reload, a reconnect) is sent
/// each cell's current state and output so far, then the live events. At most ``jobs`` cells run at once, each on
/// a worker thread of its own (a cell's execution blocks); the others wait in a queue of at most ``queueLimit``.
/// Every change happens under one lock, and events are queued to the streams under that lock too, so a page never
/// misses an event nor sees one twice.
final class RunBoard: @unchecked Sendable {  // every mutable field is guarded by `lock`
    /// A cell of a lesson.
    struct CellKey: Hashable, Sendable {
        var lesson: String
        var cell: String
    }

    /// Why a run was refused.
    enum Refusal: Error, Equatable {
        case alreadyRunning(String)
        case queueFull(Int)
        case shuttingDown
        case notRunning(String)
    }

    /// What runs cells, says how a run went, and turns a finished run into its page section.
    struct Hooks: Sendable {
        var executor: @Sendable () -> CellExecutor
        /// A nil result: the cell's section as not run.
        var section: @Sendable (_ lessonKey: String, _ cell: Cell, _ result: CellResult?) -> String
        var log: @Sendable (_ line: String) -> Void
    }

    private final class Run {
        let number: Int
        let key: CellKey
        let cell: Cell
        let lessonPath: String
        let arguments: [String]?
        let stop: CellStop
        var result: CellResult?
        var started = false
        var events: [ServerEvent] = []
        var shownBytes: [LessonRunner.OutputStream: Int] = [:]
        var carry: [LessonRunner.OutputStream: [UInt8]] = [:]
        var cut: Set<LessonRunner.OutputStream> = []
        /// The lesson changed the cell while it ran: its result is not the cell's verdict, and the page shows the
        /// cell as it is now (`replacement`, nil when the cell is gone) as not run.
        var outdated = false
        var replacement: Cell?

        init(number: Int, key: CellKey, cell: Cell, lessonPath: String, arguments: [String]?, stop: CellStop) {
            self.number = number
            self.key = key
            self.cell = cell
            self.lessonPath = lessonPath
            self.arguments = arguments
            self.stop = stop
        }
    }

    let jobs: Int
    let queueLimit: Int
    let outputLimit: Int
    private let hooks: Hooks
    private let lock = NSCondition()
    private var latest: [CellKey: Run] = [:]
    private var queue: [Run] = []
    private var streams: [EventStream] = []
    private var nextNumber = 1
    private var closed = false
    private var workersRunning = 0

    init(jobs: Int, queueLimit: Int, outputLimit: Int, hooks: Hooks) {
        self.jobs = jobs
        self.queueLimit = queueLimit
        self.outputLimit = outputLimit
        self.hooks = hooks
        for index in 0..<jobs {
            workersRunning += 1
            let thread = Thread { [self] in work() }
            thread.name = "cell-worker-\(index)"
            thread.start()
        }
    }

    // MARK: Requests

    /// Queues a run of `cell`; `arguments` nil runs the cell's own `args=`.
    func enqueue(_ cell: Cell, lessonKey: String, lessonPath: String, arguments: [String]?) throws(Refusal) -> Int {
        let stop: CellStop
        do { stop = try CellStop() } catch { throw .queueFull(queueLimit) }
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { throw .shuttingDown }
        let key = CellKey(lesson: lessonKey, cell: cell.id)
        if let current = latest[key], current.result == nil { throw .alreadyRunning(cell.id) }
        guard queue.count < queueLimit else { throw .queueFull(queueLimit) }
        let run = Run(
            number: nextNumber, key: key, cell: cell, lessonPath: lessonPath, arguments: arguments, stop: stop)
        nextNumber += 1
        latest[key] = run
        queue.append(run)
        record(.state(cell: cell.id, status: "queued", run: run.number), for: run)
        lock.signal()
        return run.number
    }

    /// Ends the queued or running run of a cell.
    func stop(_ key: CellKey) throws(Refusal) {
        lock.lock()
        defer { lock.unlock() }
        guard let run = latest[key], run.result == nil else { throw .notRunning(key.cell) }
        if !run.started, let index = queue.firstIndex(where: { $0 === run }) {
            queue.remove(at: index)
            var result = CellResult(
                cellID: run.cell.id, status: .stopped, termination: nil, output: CapturedOutput(), duration: .zero,
                strayProcessesEnded: 0)
            result.detail = "stopped before it started"
            finish(run, with: result)
        } else {
            run.stop.fire()
        }
    }

    /// The latest finished result of each cell of a lesson, for rendering its page: only the results of cells as
    /// `lesson` defines them now (see ``sameRun(_:_:)``).
    func results(lessonKey: String, lesson: Lesson) -> [String: CellResult] {
        lock.lock()
        defer { lock.unlock() }
        var results: [String: CellResult] = [:]
        for cell in lesson.cells {
            guard let run = latest[CellKey(lesson: lessonKey, cell: cell.id)], let result = run.result,
                Self.sameRun(run.cell, cell)
            else { continue }
            results[cell.id] = result
        }
        return results
    }

    /// The lesson was loaded again with `cells` (none: it is gone): the results of cells whose definition changed
    /// are dropped, and a run of such a cell that is still going will finish without being the cell's verdict.
    /// Cells that did not change keep their results.
    func lessonChanged(lessonKey: String, cells: [Cell]) {
        lock.lock()
        defer { lock.unlock() }
        for (key, run) in latest where key.lesson == lessonKey {
            let current = cells.first { $0.id == key.cell }
            let same = current.map { Self.sameRun(run.cell, $0) } ?? false
            if run.result != nil {
                if !same { latest[key] = nil }
            } else {
                run.outdated = !same
                run.replacement = same ? nil : current
            }
        }
    }

    /// Whether two versions of a cell run the same thing and expect the same of it: the same demo, options
    /// (arguments, timeout, skip, expected exit), code and expected output blocks. Where the cell stands in the
    /// lesson does not matter.
    static func sameRun(_ old: Cell, _ new: Cell) -> Bool {
        func expected(_ output: ExpectedOutput?) -> [String]? { output.map { [$0.block.info, $0.text] } }
        return old.id == new.id && old.demo == new.demo && old.language == new.language && old.options == new.options
            && old.block.info == new.block.info && old.code == new.code
            && expected(old.expectedOutput) == expected(new.expectedOutput)
            && expected(old.expectedError) == expected(new.expectedError)
    }

    // MARK: Pages

    /// Opens an event stream for a lesson's page (nil: the index), starting with the state of every cell that has a
    /// run, or returns nil when `limit` streams are open already.
    func openStream(lessonKey: String?, limit: Int, backlogLimit: Int) -> EventStream? {
        lock.lock()
        defer { lock.unlock() }
        streams.removeAll { $0.isClosed }
        guard !closed, streams.count < limit else { return nil }
        let stream = EventStream(lessonKey: lessonKey, backlogLimit: backlogLimit)
        if let lessonKey {
            let runs = latest.filter { $0.key.lesson == lessonKey }.values.sorted { $0.number < $1.number }
            for run in runs {
                for event in run.events { stream.publish(event) }
            }
        }
        streams.append(stream)
        return stream
    }

    /// Sends `event` to the pages of `lessonKey` (nil: to every page, the index included) and to the index.
    func broadcast(_ event: ServerEvent, lessonKey: String?) {
        lock.lock()
        defer { lock.unlock() }
        for stream in streams where lessonKey == nil || stream.lessonKey == lessonKey || stream.lessonKey == nil {
            stream.publish(event)
        }
    }

    /// Stops every run, closes every event stream and waits for the workers to end.
    func shutDown() {
        lock.lock()
        closed = true
        for run in queue {
            var result = CellResult(
                cellID: run.cell.id, status: .stopped, termination: nil, output: CapturedOutput(), duration: .zero,
                strayProcessesEnded: 0)
            result.detail = "the server stopped before it started"
            finish(run, with: result)
        }
        queue.removeAll()
        for run in latest.values where run.result == nil { run.stop.fire() }
        lock.broadcast()
        while workersRunning > 0 { lock.wait() }
        for stream in streams { stream.close() }
        streams.removeAll()
        lock.unlock()
    }

    // MARK: Workers

    private func work() {
        while let run = takeNext() {
            execute(run)
        }
        lock.lock()
        workersRunning -= 1
        lock.broadcast()
        lock.unlock()
    }

    private func takeNext() -> Run? {
        lock.lock()
        defer { lock.unlock() }
        while !closed && queue.isEmpty { lock.wait() }
        guard !closed else { return nil }
        let run = queue.removeFirst()
        run.started = true
        record(.state(cell: run.cell.id, status: "running", run: run.number), for: run)
        return run
    }

    private func execute(_ run: Run) {
        let executor = hooks.executor()
        var result = executor.run(run.cell, arguments: run.arguments, stop: run.stop) { [self] stream, bytes in
            lock.lock()
            printed(Array(bytes), on: stream, by: run)
            lock.unlock()
        }
        // Output run with other arguments than the lesson's is not held against its expected blocks.
        if run.arguments == nil { result = OutputCheck.judged(result, for: run.cell) }
        lock.lock()
        flushCarry(of: run)
        finish(run, with: result)
        lock.unlock()
        hooks.log("\(run.lessonPath) › \(run.cell.id): \(StatusLine.text(for: result))")
    }

    // MARK: Under the lock

    /// Passes on what a run printed, up to the output limit per stream, as whole UTF-8 characters.
    private func printed(_ bytes: [UInt8], on stream: LessonRunner.OutputStream, by run: Run) {
        guard !run.cut.contains(stream) else { return }
        let shown = run.shownBytes[stream, default: 0]
        let room = max(0, outputLimit - shown)
        var chunk = (run.carry[stream] ?? []) + bytes.prefix(room)
        run.shownBytes[stream] = shown + min(room, bytes.count)
        let complete = Self.completeUTF8Prefix(chunk)
        run.carry[stream] = Array(chunk[complete...])
        chunk.removeSubrange(complete...)
        if !chunk.isEmpty {
            let text = String(decoding: chunk, as: UTF8.self)
            record(.output(cell: run.cell.id, run: run.number, stream: stream, text: text), for: run)
        }
        if bytes.count > room {
            run.cut.insert(stream)
            let message = "\(stream) cut after \(ByteCount.short(outputLimit)); the rest is not shown"
            record(.cut(cell: run.cell.id, run: run.number, stream: stream, message: message), for: run)
        }
    }

    private func flushCarry(of run: Run) {
        for (stream, bytes) in run.carry where !bytes.isEmpty {
            let text = String(decoding: bytes, as: UTF8.self)
            record(.output(cell: run.cell.id, run: run.number, stream: stream, text: text), for: run)
        }
        run.carry.removeAll()
    }

    private func finish(_ run: Run, with result: CellResult) {
        run.result = result
        let html: String
        if run.outdated {
            // The result of a cell the lesson no longer has: the page shows the cell as it is now, not run.
            html = hooks.section(run.key.lesson, run.replacement ?? run.cell, nil)
            if latest[run.key] === run { latest[run.key] = nil }
        } else {
            html = hooks.section(run.key.lesson, run.cell, result)
        }
        // A finished run's page section holds everything: its earlier events are not needed by a new page.
        run.events.removeAll()
        record(.finished(cell: run.cell.id, run: run.number, status: result.status, html: html), for: run)
        for stream in streams where stream.lessonKey == nil { stream.publish(.reload) }
    }

    /// Keeps `event` for pages that open later and sends it to the pages open now.
    private func record(_ event: ServerEvent, for run: Run) {
        run.events.append(event)
        for stream in streams where stream.lessonKey == run.key.lesson { stream.publish(event) }
    }

    /// The length of the longest prefix of `bytes` that does not end inside a UTF-8 character.
    static func completeUTF8Prefix(_ bytes: [UInt8]) -> Int {
        var index = bytes.count
        var continuation = 0
        while index > 0, continuation < 3, bytes[index - 1] & 0xC0 == 0x80 {
            index -= 1
            continuation += 1
        }
        guard index > 0 else { return bytes.count }
        let lead = bytes[index - 1]
        let needed = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0
        return needed > continuation ? index - 1 : bytes.count
    }
}
