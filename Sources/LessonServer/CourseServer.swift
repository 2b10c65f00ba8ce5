import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import ServiceLifecycle
import LessonRunner
import Multiprocessing
import Synchronization

/// `lesson serve`: the course as live pages. Serves the lessons under the configured paths, runs their cells in
/// the demo host when a page asks, streams their output to every page watching, and follows edits of the lesson
/// files and rebuilds of the demo host.
public final class CourseServer: Sendable {
    /// Why the server could not start.
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    public let configuration: ServeConfiguration
    let library: CourseLibrary
    let pages = CoursePages()
    let board: RunBoard
    private let boundPort = Atomic<Int>(0)
    private let catalog: SharedCatalog

    /// The demo host's catalog as the server uses it now; it changes when the host is rebuilt.
    final class SharedCatalog: Sendable {
        private let value: Mutex<DemoCatalog>
        init(_ catalog: DemoCatalog) { value = Mutex(catalog) }
        func withLock<Result>(_ body: (inout DemoCatalog) -> Result) -> Result { value.withLock { body(&$0) } }
    }

    /// A server for `configuration`; nothing is bound or loaded until ``run(ready:until:)``.
    public init(configuration: ServeConfiguration) throws(DemoHostError) {
        self.configuration = configuration
        library = CourseLibrary(paths: configuration.paths)
        catalog = SharedCatalog(try configuration.demoHost.catalog())
        let host = configuration.demoHost
        let pages = self.pages
        let catalogBox = catalog
        board = RunBoard(
            jobs: configuration.jobs, queueLimit: configuration.queueLimit, outputLimit: configuration.outputLimit,
            hooks: RunBoard.Hooks(
                executor: { host.executor(outputLimit: configuration.outputLimit) },
                section: { key, cell, result in
                    pages.cellSection(cell, result: result, key: key, catalog: catalogBox.withLock { $0 })
                },
                // A plain write: a reader that went away must not stop the server (FileHandle traps on EPIPE).
                log: { line in StandardStreams.writeOutput(line + "\n") }))
    }

    /// The port the server listens on, once it does.
    public var port: Int { boundPort.load(ordering: .acquiring) }

    /// Loads the lessons, binds, calls `ready` with the address to open (token included), and serves until
    /// `stop` returns (it is awaited on a task of its own, and must return when that task is cancelled); then ends
    /// every run and connection.
    public func run(ready: @escaping @Sendable (String) -> Void, until stop: @escaping @Sendable () async -> Void)
        async throws
    {
        library.reload(catalog: catalog.withLock { $0 })
        let watcher = startWatching()
        defer {
            watcher?.stop()
            board.shutDown()
        }
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: RequestGuard(token: configuration.token, port: { [self] in port },
                                            boundHost: configuration.host))
        addRoutes(to: router)
        let configuration = self.configuration
        let app = Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: .nanoseconds(
                Int64(configuration.idleTimeout.components.seconds) * 1_000_000_000
                    + configuration.idleTimeout.components.attoseconds / 1_000_000_000))),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: nil,
                availableConnectionsDelegate: MaximumAvailableConnections(configuration.connectionLimit)),
            onServerRunning: { [self] channel in
                boundPort.store(channel.localAddress?.port ?? configuration.port, ordering: .releasing)
                let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
                ready("http://\(host):\(port)/?token=\(configuration.token.text)")
            },
            logger: Self.quietLogger)
        let services = ServiceGroup(configuration: .init(services: [app], logger: Self.quietLogger))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await services.run()
                } catch {
                    throw StartError(description: Self.explain(error, configuration: configuration))
                }
            }
            group.addTask {
                await stop()
                throw CancellationError()
            }
            do {
                try await group.next()
            } catch is CancellationError {
                // Asked to stop: end the runs and close the event streams, so that every response can end; then
                // stop accepting and let what is in flight finish, for 3 s at most.
                board.shutDown()
                await services.triggerGracefulShutdown()
                group.addTask {
                    try await Task.sleep(for: .seconds(3))
                    throw CancellationError()
                }
                _ = try? await group.next()
                group.cancelAll()
                return
            } catch {
                // The server could not start (or failed): stop waiting for a signal too.
                group.cancelAll()
                throw error
            }
        }
    }

    private static var quietLogger: Logger {
        var logger = Logger(label: "lesson-serve")
        logger.logLevel = .critical
        return logger
    }

    private static func explain(_ error: any Error, configuration: ServeConfiguration) -> String {
        let text = "\(error)"
        if text.contains("Address already in use") {
            return "port \(configuration.port) on \(configuration.host) is in use: stop what listens there, or pick "
                + "another port with --port (--port 0 lets the system choose)"
        }
        if text.contains("Cannot assign requested address") || text.contains("Name or service not known") {
            return "cannot listen on \(configuration.host): it is not an address of this machine"
        }
        return "cannot serve on \(configuration.host):\(configuration.port): \(text)"
    }

    // MARK: Following changes

    private func startWatching() -> FileWatcher? {
        var folders: [(path: String, recursive: Bool)] = []
        for path in configuration.paths {
            var status = stat()
            if stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
                folders.append((path, true))
            } else {
                let parent = (path as NSString).deletingLastPathComponent
                folders.append((parent.isEmpty ? "." : parent, false))
            }
        }
        let hostFolder = (configuration.demoHost.path.string as NSString).deletingLastPathComponent
        folders.append((hostFolder.isEmpty ? "." : hostFolder, false))
        return FileWatcher(folders: folders, debounce: configuration.debounce) { [self] in
            filesChanged()
        }
    }

    /// Loads what changed again and reloads the pages that show it.
    func filesChanged() {
        var catalogChanged = false
        if let current = try? configuration.demoHost.current(), current.changed {
            catalog.withLock { $0 = current.catalog }
            catalogChanged = true
        }
        let changes = library.reload(catalog: catalog.withLock { $0 }, catalogChanged: catalogChanged)
        // A result belongs to the cell as it ran: an edited cell's result goes, before any page reloads. A lesson
        // that does not load keeps its results until it loads again.
        let entries = library.entries
        for key in changes.keys {
            switch entries.first(where: { $0.key == key })?.outcome {
            case .loaded(let lesson): board.lessonChanged(lessonKey: key, cells: lesson.cells)
            case nil: board.lessonChanged(lessonKey: key, cells: [])
            case .broken: break
            }
        }
        if catalogChanged {
            board.broadcast(.reload, lessonKey: nil)
            return
        }
        // The index hears every lesson's reload, so a lesson that appeared or went away reloads it too.
        for key in changes.keys { board.broadcast(.reload, lessonKey: key) }
    }

    // MARK: Routes

    private func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/") { [self] _, _ in html(indexPage()) }
        router.get("/lessons/**") { [self] request, _ in
            // The path as sent, still percent-encoded (the catch-all parameter is too, with empty segments dropped).
            let encoded = request.uri.path.dropFirst("/lessons/".count)
            do throws(LessonAddress.Refusal) {
                return lessonPage(try LessonAddress.key(encoded))
            } catch {
                // A path that leaves the folder names no lesson; an address that does not decode is malformed.
                let status: HTTPResponse.Status = if case .badSegment = error { .notFound } else { .badRequest }
                return JSONResponse.error(status, error.description)
            }
        }
        router.get("/live.js") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/javascript; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: LivePage.liveScript)))
        }
        // Browsers ask for it on every page; the pages have no icon.
        router.get("/favicon.ico") { _, _ in Response(status: .noContent) }
        router.get("/events") { [self] request, _ in
            events(lessonKey: request.uri.queryParameters["lesson"].map(String.init), request: request)
        }
        router.post("/api/run") { [self] request, _ in
            await handle(request) { (body: RunRequest) throws(Refusal) in try run(body) }
        }
        router.post("/api/stop") { [self] request, _ in
            await handle(request) { (body: StopRequest) throws(Refusal) in try stop(body) }
        }
        router.post("/api/run-all") { [self] request, _ in
            await handle(request) { (body: RunAllRequest) throws(Refusal) in try runAll(body) }
        }
    }

    private func html(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    private func indexPage() -> [UInt8] {
        var loaded: [(key: String, run: LessonRunResult)] = []
        var broken: [(key: String, count: Int)] = []
        for entry in library.entries {
            switch entry.outcome {
            case .loaded(let lesson):
                loaded.append((entry.key, CoursePages.run(of: lesson, results: board.results(lessonKey: entry.key, lesson: lesson))))
            case .broken(let diagnostics):
                broken.append((entry.key, diagnostics.count))
            }
        }
        return pages.indexPage(loaded: loaded, broken: broken, pathErrors: library.pathErrors)
    }

    private func lessonPage(_ key: String) -> Response {
        let entries = library.entries
        guard let index = entries.firstIndex(where: { $0.key == key }) else {
            return JSONResponse.error(.notFound, "no lesson \(key) is served here")
        }
        let entry = entries[index]
        switch entry.outcome {
        case .broken(let diagnostics):
            return html(pages.brokenPage(key: key, diagnostics: diagnostics))
        case .loaded(let lesson):
            func link(_ other: CourseLibrary.Entry) -> LessonNavigation.Link {
                var title = other.key
                if case .loaded(let lesson) = other.outcome, let heading = lesson.title { title = heading }
                return LessonNavigation.Link(href: CoursePages.href(other.key), title: title)
            }
            let navigation = LessonNavigation(
                previous: index > 0 ? link(entries[index - 1]) : nil,
                next: index + 1 < entries.count ? link(entries[index + 1]) : nil)
            return html(pages.lessonPage(
                lesson, key: key, results: board.results(lessonKey: key, lesson: lesson), catalog: catalog.withLock { $0 },
                navigation: navigation))
        }
    }

    // MARK: Events

    private func events(lessonKey: String?, request: Request) -> Response {
        if let lessonKey, library.entry(lessonKey) == nil {
            return JSONResponse.error(.notFound, "no lesson \(lessonKey) is served here")
        }
        guard let stream = board.openStream(
            lessonKey: lessonKey, limit: configuration.eventStreamLimit,
            backlogLimit: configuration.eventBacklogLimit)
        else {
            return JSONResponse.error(.serviceUnavailable, "too many pages are open")
        }
        let heartbeat = configuration.heartbeatInterval
        let body = ResponseBody { writer in
            // However the writer ends (the stream closed, a write failed, the page went away), the page's place is
            // free again.
            defer { stream.close() }
            // A comment first, so that the page knows at once that it is connected.
            try await writer.write(ByteBuffer(string: ": connected\nretry: 1000\n\n"))
            // A page that closes its connection ends the writer at once (the request's inbound side closes), not
            // when the next event of its lesson comes.
            try await request.body.consumeWithCancellationOnInboundClose { _ in
                try await Self.writeEvents(of: stream, to: &writer, heartbeat: heartbeat)
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream; charset=utf-8", HTTPField.Name("X-Accel-Buffering")!: "no"],
            body: body)
    }

    /// Writes the events of `stream` as they come until it closes, and a heartbeat comment every `heartbeat` it
    /// has nothing to send; a write that fails (the page went away) ends it.
    private static func writeEvents(
        of stream: EventStream, to writer: inout any ResponseBodyWriter, heartbeat: Duration
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                while true {
                    try await Task.sleep(for: heartbeat)
                    stream.beat()
                }
            }
            defer { group.cancelAll() }
            for await _ in stream.wakeUps {
                guard let batch = stream.takePending() else { break }
                let text = batch.wireText
                guard !text.isEmpty else { continue }
                try await writer.write(ByteBuffer(string: text))
            }
        }
    }

    // MARK: Requests that change state

    struct RunRequest: Decodable {
        var lesson: String
        var cell: String
        var args: String?
    }

    struct StopRequest: Decodable {
        var lesson: String
        var cell: String
    }

    struct RunAllRequest: Decodable {
        var lesson: String
    }

    /// A refusal that becomes the response's status and `{"error": …}`.
    struct Refusal: Error {
        var status: HTTPResponse.Status
        var message: String
    }

    private func handle<Body: Decodable>(
        _ request: Request, _ action: (Body) throws(Refusal) -> some Encodable
    ) async -> Response {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: configuration.requestBodyLimit)
        } catch {
            return JSONResponse.error(
                .contentTooLarge, "the request is larger than \(configuration.requestBodyLimit) bytes")
        }
        let body: Body
        do {
            body = try JSONDecoder().decode(Body.self, from: Data(buffer.readableBytesView))
        } catch {
            return JSONResponse.error(
                .badRequest, "the request is not the JSON this address takes: " + Self.describe(error))
        }
        do {
            return JSONResponse.make(.accepted, try action(body))
        } catch {
            return JSONResponse.error(error.status, error.message)
        }
    }

    private func loadedLesson(_ key: String) throws(Refusal) -> (CourseLibrary.Entry, Lesson) {
        guard let entry = library.entry(key) else { throw Refusal(status: .notFound, message: "no lesson \(key)") }
        guard case .loaded(let lesson) = entry.outcome else {
            throw Refusal(status: .conflict, message: "\(key) does not load; fix its errors first")
        }
        return (entry, lesson)
    }

    private func run(_ request: RunRequest) throws(Refusal) -> [String: Int] {
        let (entry, lesson) = try loadedLesson(request.lesson)
        guard let cell = lesson.cells.first(where: { $0.id == request.cell }) else {
            throw Refusal(status: .notFound, message: "no cell \(request.cell) in \(request.lesson)")
        }
        var arguments: [String]?
        if let text = request.args {
            guard text.utf8.count <= configuration.argumentsLimit else {
                throw Refusal(status: .badRequest, message: "arguments longer than \(configuration.argumentsLimit) bytes")
            }
            do {
                arguments = try DemoArguments.split(text)
            } catch {
                throw Refusal(status: .badRequest, message: "arguments: \(error)")
            }
            // The cell's own arguments, typed again, are still held against its expected output.
            if arguments == cell.options.arguments { arguments = nil }
        }
        return ["run": try enqueue(cell, entry: entry, arguments: arguments)]
    }

    private func enqueue(_ cell: Cell, entry: CourseLibrary.Entry, arguments: [String]?) throws(Refusal) -> Int {
        do {
            return try board.enqueue(cell, lessonKey: entry.key, lessonPath: entry.file.path, arguments: arguments)
        } catch {
            switch error {
            case .alreadyRunning(let id): throw Refusal(status: .conflict, message: "cell \(id) is already running")
            case .queueFull(let limit):
                throw Refusal(status: .tooManyRequests, message: "\(limit) runs are waiting already; try again later")
            case .shuttingDown: throw Refusal(status: .serviceUnavailable, message: "the server is stopping")
            case .notRunning(let id): throw Refusal(status: .conflict, message: "cell \(id) is not running")
            }
        }
    }

    private func stop(_ request: StopRequest) throws(Refusal) -> [String: String] {
        do {
            try board.stop(RunBoard.CellKey(lesson: request.lesson, cell: request.cell))
        } catch {
            // A run of a lesson that stopped loading can still be stopped, so the lesson is looked at only now.
            guard let entry = library.entry(request.lesson) else {
                throw Refusal(status: .notFound, message: "no lesson \(request.lesson)")
            }
            if case .loaded(let lesson) = entry.outcome, !lesson.cells.contains(where: { $0.id == request.cell }) {
                throw Refusal(status: .notFound, message: "no cell \(request.cell) in \(request.lesson)")
            }
            throw Refusal(status: .conflict, message: "cell \(request.cell) is not running")
        }
        return ["stopped": request.cell]
    }

    /// What is wrong with a request body, in words: not its Swift description, which names types and coding paths.
    static func describe(_ error: any Error) -> String {
        func field(_ path: [any CodingKey], _ key: (any CodingKey)? = nil) -> String {
            let names = (path + (key.map { [$0] } ?? [])).map { $0.intValue.map(String.init) ?? $0.stringValue }
            return names.isEmpty ? "the body" : "\"" + names.joined(separator: ".") + "\""
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?: return "\(field(context.codingPath, key)) is missing"
        case .typeMismatch(let type, let context)?, .valueNotFound(let type, let context)?:
            let expected = type == String.self ? "a string" : type == Int.self ? "a number" : "\(type)"
            return "\(field(context.codingPath)) must be \(expected)"
        case .dataCorrupted(let context)?:
            return context.codingPath.isEmpty ? "not valid JSON" : "\(field(context.codingPath)) is not valid"
        default: return "not valid JSON"
        }
    }

    private func runAll(_ request: RunAllRequest) throws(Refusal) -> [String: [Int]] {
        let (entry, lesson) = try loadedLesson(request.lesson)
        var runs: [Int] = []
        for cell in lesson.cells where !cell.options.skip {
            do {
                runs.append(try enqueue(cell, entry: entry, arguments: nil))
            } catch where error.status == .conflict {
                continue  // Already running: it stays as it is.
            }
        }
        return ["runs": runs]
    }
}
