import Foundation
import Multiprocessing
import Synchronization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// Headless Chromium driven over the DevTools protocol on a pipe, for tests that use a page as a person would:
/// open it, click, wait for the DOM to change, read it, take screenshots.
///
/// ```swift
/// let browser = try HeadlessBrowser.launch(windowSize: (width: 800, height: 600))
/// defer { try? browser.close() }
/// try browser.navigate(to: "file:///tmp/page.html")
/// try browser.click("#run")
/// try browser.waitUntil("document.querySelector('pre').textContent.includes('done')", timeout: .seconds(5))
/// let text = try browser.evaluate("document.querySelector('pre').textContent") as? String
/// try browser.screenshot(to: "/tmp/page.png")
/// ```
///
/// Chromium runs in a ``ProcessContainer`` with a fresh profile folder, reading commands from its descriptor 3 and
/// writing replies and events to its descriptor 4 (`--remote-debugging-pipe`), one JSON message per NUL-terminated
/// chunk. Nothing off the machine is reachable: every host name and address but `localhost` and `127.0.0.1`
/// fails to resolve. The driver talks to one page target, through a flat session.
///
/// Every method is synchronous and every wait is bounded; a wait that runs out throws a
/// ``HeadlessBrowserError`` that names what it waited for. ``close()`` ends Chromium and every process it
/// started, and reaps them; `deinit` calls it if no one did, so a test that fails midway leaves nothing behind.
///
/// A browser is not thread-safe: use it from one test at a time.
public final class HeadlessBrowser {
    /// The Chromium executable, if installed (Debian's `chromium` package).
    public static let executable: FilePath? = {
        let candidates: [String] = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        return candidates.first { access($0, X_OK) == 0 }.map { FilePath($0) }
    }()

    /// A message the page logged, or an uncaught exception, or a browser log entry (such as a failed load).
    public struct ConsoleMessage: Sendable, CustomStringConvertible {
        /// `log`, `info`, `warning`, `error`, `debug`, … for `console` calls and log entries; `exception` for
        /// an uncaught exception or unhandled rejection.
        public var level: String
        /// The message: the `console` call's arguments joined by spaces, or the exception's description.
        public var text: String

        /// Whether the message reports a problem: an `error` or `assert`, or an uncaught exception.
        public var isError: Bool { ["error", "assert", "exception"].contains(level) }

        /// Such as `[error] Uncaught TypeError: …`.
        public var description: String { "[\(level)] \(text)" }
    }

    /// How long a protocol command may take before it fails; ``navigate(to:timeout:)`` and
    /// ``waitUntil(_:timeout:)`` take their own.
    public var commandTimeout: Duration = .seconds(15)

    private let container: ProcessContainer
    private var userDataFolder: TemporaryFolder?
    private let standardError: TemporaryFile
    /// Ours: we write commands here; Chromium reads them on its descriptor 3.
    private let commands: FileDescriptor
    /// Ours: we read replies and events here; Chromium writes them on its descriptor 4.
    private let replies: FileDescriptor
    private var closed = false

    private var nextID = 1
    private var sessionID: String?
    private var received: [UInt8] = []
    private var responses: [Int: [String: Any]] = [:]
    /// Commands whose waits ran out: their replies are dropped when they come.
    private var abandoned: Set<Int> = []
    /// Loaders (one per navigation) whose document fired its `load` event.
    private var loadedLoaders: Set<String> = []
    private var messages: [ConsoleMessage] = []
    private var pageLost: String?

    /// Containers of the browsers not yet closed: ``reapHelpers()`` leaves their processes alone.
    private static let liveTokens = Mutex<Set<String>>([])

    private init(
        container: ProcessContainer, userDataFolder: TemporaryFolder, standardError: TemporaryFile,
        commands: FileDescriptor, replies: FileDescriptor
    ) {
        self.container = container
        self.userDataFolder = userDataFolder
        self.standardError = standardError
        self.commands = commands
        self.replies = replies
    }

    deinit {
        try? close()
    }

    // MARK: Launching

    /// Starts headless Chromium with a fresh profile and opens a blank page of `windowSize` CSS pixels.
    ///
    /// - Parameters:
    ///   - windowSize: The page's viewport, in CSS pixels at a device scale factor of 1; the size of a
    ///     viewport screenshot.
    ///   - darkMode: Whether the page sees `prefers-color-scheme: dark` (see ``setDarkMode(_:)``).
    ///   - timeout: How long Chromium may take to start and open the page (a cold start takes seconds).
    /// - Returns: The browser, showing `about:blank`.
    /// - Throws: ``HeadlessBrowserError`` when Chromium is not installed, cannot start, or does not answer in
    ///   time; nothing is left running then.
    public static func launch(
        windowSize: (width: Int, height: Int) = (width: 1280, height: 800), darkMode: Bool = false,
        timeout: Duration = .seconds(45)
    ) throws -> HeadlessBrowser {
        guard let executable else {
            throw HeadlessBrowserError(.launchFailed, "chromium is not installed (/usr/bin/chromium)")
        }
        let userDataFolder = try TemporaryFolder()
        let standardError = try TemporaryFile()
        // Sockets rather than pipes: a write to a browser that died fails with EPIPE (MSG_NOSIGNAL) instead of
        // raising SIGPIPE in the test process.
        let (commands, commandsChildEnd) = try socketPair()
        let (replies, repliesChildEnd) = try socketPair()
        defer {
            try? commandsChildEnd.close()
            try? repliesChildEnd.close()
        }
        _ = fcntl(commands.rawValue, F_SETFL, O_NONBLOCK)
        let arguments = [
            "--headless", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--hide-scrollbars", "--disable-dev-shm-usage", "--disable-crash-reporter",
            // Nothing off the machine: every name and address fails to resolve but the loopback ones.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
            "--user-data-dir=" + userDataFolder.path.string,
            "--window-size=\(windowSize.width),\(windowSize.height)",
            "about:blank",
        ]
        var configuration = SpawnConfiguration(executable: executable, arguments: arguments)
        configuration.standardError = .descriptor(standardError.descriptor)
        configuration.inheritedDescriptors = [commandsChildEnd, repliesChildEnd]  // fds 3 and 4
        let container: ProcessContainer
        do {
            container = try ProcessContainer.spawn(configuration)
        } catch {
            try? commands.close()
            try? replies.close()
            throw HeadlessBrowserError(.launchFailed, "cannot start \(executable): \(error)")
        }
        liveTokens.withLock { _ = $0.insert(container.token) }
        let browser = HeadlessBrowser(
            container: container, userDataFolder: userDataFolder, standardError: standardError,
            commands: commands, replies: replies)
        do {
            try browser.openPage(windowSize: windowSize, darkMode: darkMode, timeout: timeout)
        } catch {
            try? browser.close()
            throw error
        }
        return browser
    }

    /// Creates a page target, attaches to it through a flat session and enables the domains the driver uses.
    private func openPage(windowSize: (width: Int, height: Int), darkMode: Bool, timeout: Duration) throws {
        let deadline = ContinuousClock.now + timeout
        let target = try call("Target.createTarget", ["url": "about:blank"], inSession: false, deadline: deadline)
        guard let targetID = target["targetId"] as? String else {
            throw HeadlessBrowserError(.protocolError, "Target.createTarget returned no targetId: \(target)")
        }
        let attached = try call(
            "Target.attachToTarget", ["targetId": targetID, "flatten": true], inSession: false, deadline: deadline)
        guard let session = attached["sessionId"] as? String else {
            throw HeadlessBrowserError(.protocolError, "Target.attachToTarget returned no sessionId: \(attached)")
        }
        sessionID = session
        for method in ["Page.enable", "Runtime.enable", "Log.enable"] {
            try call(method, deadline: deadline)
        }
        try call("Page.setLifecycleEventsEnabled", ["enabled": true], deadline: deadline)
        // The window's size includes the (invisible) browser frame; the page's viewport is set exactly.
        try call(
            "Emulation.setDeviceMetricsOverride",
            ["width": windowSize.width, "height": windowSize.height, "deviceScaleFactor": 1, "mobile": false],
            deadline: deadline)
        try setDarkMode(darkMode)
    }

    // MARK: Using the page

    /// Loads `url` in the page and waits for its `load` event.
    ///
    /// A navigation within the document (a fragment) returns at once.
    ///
    /// - Throws: ``HeadlessBrowserError`` with ``HeadlessBrowserError/Code/navigationFailed`` when the page cannot
    ///   be loaded (such as `net::ERR_NAME_NOT_RESOLVED` for any host but `localhost` and `127.0.0.1`), or
    ///   ``HeadlessBrowserError/Code/timeout`` when it does not finish loading within `timeout`.
    public func navigate(to url: String, timeout: Duration = .seconds(15)) throws {
        let deadline = ContinuousClock.now + timeout
        let result = try call("Page.navigate", ["url": url], deadline: deadline)
        if let error = result["errorText"] as? String {
            throw HeadlessBrowserError(.navigationFailed, "cannot load \(url): \(error)")
        }
        guard let loader = result["loaderId"] as? String else { return }
        try pump(until: deadline, waitingFor: "the load event of \(url)") { loadedLoaders.contains(loader) }
        loadedLoaders.removeAll()
    }

    /// Evaluates a JavaScript expression in the page and returns its value as JSON would carry it.
    ///
    /// A promise is awaited. Strings, numbers (`NSNumber`, which casts to `Int`, `Double` or `Bool`), arrays and
    /// dictionaries come back as Foundation's `JSONSerialization` makes them; `NaN` and the infinities as
    /// `Double`; `undefined` and `null` as `nil`; a DOM node as an empty dictionary.
    ///
    /// - Throws: ``HeadlessBrowserError`` with ``HeadlessBrowserError/Code/javascriptException`` when the
    ///   expression throws or its promise rejects (the exception's description is in the message).
    @discardableResult
    public func evaluate(_ javascript: String) throws -> Any? {
        try evaluate(javascript, deadline: ContinuousClock.now + commandTimeout)
    }

    private func evaluate(_ javascript: String, deadline: ContinuousClock.Instant) throws -> Any? {
        let result = try call(
            "Runtime.evaluate", ["expression": javascript, "returnByValue": true, "awaitPromise": true],
            deadline: deadline)
        if let details = result["exceptionDetails"] as? [String: Any] {
            throw HeadlessBrowserError(
                .javascriptException, "\(Self.describe(exception: details)) in `\(javascript)`")
        }
        let remote = result["result"] as? [String: Any] ?? [:]
        if let value = remote["value"], !(value is NSNull) { return value }
        if let unserializable = remote["unserializableValue"] as? String {
            return Double(unserializable) ?? unserializable  // NaN, ±Infinity, -0; a BigInt such as 12n
        }
        return nil
    }

    /// Polls a JavaScript condition about every 20 ms until it is truthy.
    ///
    /// The condition is an expression; a promise is awaited. An exception while polling counts as false (the
    /// element may not exist yet), and the last one is reported if the wait runs out.
    ///
    /// - Throws: ``HeadlessBrowserError`` with ``HeadlessBrowserError/Code/timeout`` naming the condition, the
    ///   last exception and the page's console errors, when the condition was not truthy within `timeout`.
    public func waitUntil(_ javascriptCondition: String, timeout: Duration) throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        let test = "(async () => !!(await (\n\(javascriptCondition)\n)))()"
        var lastException: String?
        while true {
            do {
                if try evaluate(test, deadline: max(deadline, clock.now + .seconds(2))) as? Bool == true { return }
                lastException = nil
            } catch let error as HeadlessBrowserError where error.code == .javascriptException {
                lastException = error.message
            }
            if clock.now >= deadline {
                var message = "timed out after \(timeout) waiting until `\(javascriptCondition)`"
                if let lastException { message += "; it last threw: \(lastException)" }
                let errors = messages.filter(\.isError)
                if !errors.isEmpty { message += "; console: \(errors)" }
                throw HeadlessBrowserError(.timeout, message)
            }
            try pump(for: .milliseconds(20))
        }
    }

    /// Clicks the first element that matches `cssSelector`, with the DOM's `click()`.
    ///
    /// - Throws: ``HeadlessBrowserError`` with ``HeadlessBrowserError/Code/elementNotFound`` when no element
    ///   matches.
    public func click(_ cssSelector: String) throws {
        let selector = String(decoding: try JSONSerialization.data(
            withJSONObject: cssSelector, options: .fragmentsAllowed), as: UTF8.self)
        let script = """
            (() => {
                const element = document.querySelector(\(selector));
                if (!element) return false;
                element.click();
                return true;
            })()
            """
        if try evaluate(script) as? Bool != true {
            throw HeadlessBrowserError(.elementNotFound, "no element matches \(selector) to click")
        }
    }

    /// Saves a PNG screenshot of the page.
    ///
    /// - Parameters:
    ///   - path: The file to write (replaced if it exists).
    ///   - fullPage: Whether to capture the whole document rather than the viewport.
    /// - Throws: ``HeadlessBrowserError`` when the capture fails, or the error of writing the file.
    public func screenshot(to path: String, fullPage: Bool = false) throws {
        var parameters: [String: Any] = ["format": "png"]
        if fullPage {
            let metrics = try call("Page.getLayoutMetrics")
            guard let size = metrics["cssContentSize"] as? [String: Any],
                  let width = size["width"] as? Double, let height = size["height"] as? Double
            else {
                throw HeadlessBrowserError(.protocolError, "Page.getLayoutMetrics has no cssContentSize: \(metrics)")
            }
            parameters["clip"] = ["x": 0, "y": 0, "width": width, "height": height, "scale": 1]
            parameters["captureBeyondViewport"] = true
        }
        let result = try call("Page.captureScreenshot", parameters)
        guard let base64 = result["data"] as? String, let data = Data(base64Encoded: base64) else {
            throw HeadlessBrowserError(.protocolError, "Page.captureScreenshot returned no image")
        }
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// Makes the page see `prefers-color-scheme: dark` or `light`, whatever the machine prefers.
    public func setDarkMode(_ dark: Bool) throws {
        try call(
            "Emulation.setEmulatedMedia",
            ["features": [["name": "prefers-color-scheme", "value": dark ? "dark" : "light"]]])
    }

    /// What the page logged, threw without catching, or the browser logged about it (such as a resource that
    /// failed to load), oldest first, up to now.
    public var consoleMessages: [ConsoleMessage] {
        try? pump(for: .zero)
        return messages
    }

    /// Chromium's processes right now: the browser itself, then its helpers (zygotes, renderers, utilities,
    /// crash handlers); empty once closed.
    public var processIDs: [Int32] {
        guard !closed else { return [] }
        return [container.root.id.rawValue] + container.strays().map(\.rawValue)
    }

    // MARK: Closing

    /// Ends Chromium and every process it started, reaps them all, and removes the profile folder.
    ///
    /// It asks the browser to close, then ends whatever is left, so it works whatever state the browser is in.
    /// Calling it again does nothing.
    ///
    /// - Throws: ``SpawnError`` when processes survive `SIGKILL`; ``HeadlessBrowserError`` with
    ///   ``HeadlessBrowserError/Code/processesLeft`` when a helper is still there after that.
    public func close() throws {
        guard !closed else { return }
        // Seeing every process now makes the container recognise the helpers that Chromium's exit orphans.
        let processes = Set(processIDs)
        closed = true
        defer {
            try? commands.close()
            try? replies.close()
            userDataFolder = nil
            Self.liveTokens.withLock { _ = $0.remove(container.token) }
        }
        if try container.root.poll() == nil {
            _ = try? call("Browser.close", inSession: false, deadline: ContinuousClock.now + .seconds(5))
            _ = try container.root.wait(timeout: .seconds(5))
        }
        try container.terminateAll(grace: .seconds(2))
        let left = Self.reap(timeout: .seconds(5)) { processes.contains($0.pid) && $0.name.hasPrefix("chrom") }
        if !left.isEmpty {
            throw HeadlessBrowserError(.processesLeft, "Chromium's processes \(left) are still there")
        }
    }

    /// Waits for the Chromium helpers this process adopted (as a child subreaper) to exit, and reaps them, so
    /// that no zombie outlives the test run; after 5 s, kills those still running.
    ///
    /// For tests that run Chromium without this driver; the processes of open browsers are left alone.
    public static func reapHelpers() {
        let entries = liveTokens.withLock { $0 }.map { ProcessContainer.environmentKey + "=" + $0 }
        _ = reap(timeout: .seconds(5)) { child in
            child.name.hasPrefix("chrom") && !entries.contains { environment(of: child.pid, contains: $0) }
        }
    }

    /// Reaps adopted zombies until no child of this process matches `filter`; kills those that still match after
    /// `timeout`, and gives up 2 s later. Returns the children that still match.
    private static func reap(
        timeout: Duration, matching filter: ((pid: Int32, name: String)) -> Bool
    ) -> [Int32] {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            Subreaper.reapAdoptedZombies()
            let left = ProcessCensus.children(of: getpid()).filter(filter)
            if left.isEmpty || clock.now >= deadline + .seconds(2) { return left.map(\.pid) }
            if clock.now >= deadline {
                for process in left { kill(process.pid, SIGKILL) }
            }
            usleep(20_000)
        }
    }

    /// Whether `/proc/PID/environ` holds `entry`; false when it cannot be read (a zombie, another user's).
    private static func environment(of pid: Int32, contains entry: String) -> Bool {
        guard let bytes = try? TemporaryFile.read("/proc/\(pid)/environ") else { return false }
        return bytes.split(separator: 0).contains { $0.elementsEqual(entry.utf8) }
    }

    // MARK: The protocol

    /// Sends a command (to the page's session unless `inSession` is false) and waits for its reply.
    @discardableResult
    private func call(
        _ method: String, _ parameters: [String: Any] = [:], inSession: Bool = true,
        deadline: ContinuousClock.Instant? = nil
    ) throws -> [String: Any] {
        let deadline = deadline ?? ContinuousClock.now + commandTimeout
        let id = nextID
        nextID += 1
        var message: [String: Any] = ["id": id, "method": method, "params": parameters]
        if inSession, let sessionID { message["sessionId"] = sessionID }
        var bytes = [UInt8](try JSONSerialization.data(withJSONObject: message))
        bytes.append(0)
        try send(bytes, deadline: deadline, method: method)
        do {
            try pump(until: deadline, waitingFor: "the reply to \(method)") { responses[id] != nil }
        } catch {
            abandoned.insert(id)
            throw error
        }
        let response = responses.removeValue(forKey: id)!
        if let error = response["error"] as? [String: Any] {
            let text = error["message"] as? String ?? "\(error)"
            let data = (error["data"] as? String).map { " (\($0))" } ?? ""
            throw HeadlessBrowserError(.protocolError, "\(method) failed: \(text)\(data)")
        }
        return response["result"] as? [String: Any] ?? [:]
    }

    private func send(_ bytes: [UInt8], deadline: ContinuousClock.Instant, method: String) throws {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes {
                Glibc.send(commands.rawValue, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if count >= 0 {
                offset += count
                continue
            }
            switch errno {
            case EINTR:
                continue
            case EAGAIN:
                var descriptor = pollfd(fd: commands.rawValue, events: Int16(POLLOUT), revents: 0)
                let remaining = ContinuousClock.now.duration(to: deadline)
                if remaining <= .zero {
                    throw HeadlessBrowserError(.timeout, "timed out sending \(method): Chromium reads no commands")
                }
                _ = Glibc.poll(&descriptor, 1, Self.milliseconds(remaining))
            default:
                throw HeadlessBrowserError(
                    .browserExited, "cannot send \(method) (\(Errno(rawValue: errno))): \(exitReport())")
            }
        }
    }

    /// Reads and handles messages until `done` holds; throws when `deadline` passes first.
    private func pump(
        until deadline: ContinuousClock.Instant, waitingFor what: String, _ done: () -> Bool
    ) throws {
        while !done() {
            if let pageLost {
                throw HeadlessBrowserError(.browserExited, "\(pageLost) while waiting for \(what)")
            }
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero {
                throw HeadlessBrowserError(.timeout, "timed out waiting for \(what)")
            }
            try readMessages(waitingUpTo: remaining, for: what)
        }
    }

    /// Reads and handles the messages that arrive within `duration` (those already there when it is zero).
    private func pump(for duration: Duration) throws {
        let deadline = ContinuousClock.now + duration
        repeat {
            try readMessages(waitingUpTo: max(.zero, ContinuousClock.now.duration(to: deadline)), for: "events")
        } while ContinuousClock.now < deadline
    }

    /// Waits up to `duration` for input, then reads what is there and handles every complete message.
    private func readMessages(waitingUpTo duration: Duration, for what: String) throws {
        var descriptor = pollfd(fd: replies.rawValue, events: Int16(POLLIN), revents: 0)
        let ready = Glibc.poll(&descriptor, 1, Self.milliseconds(duration))
        if ready < 0 && errno != EINTR {
            throw HeadlessBrowserError(.browserExited, "poll failed: \(Errno(rawValue: errno))")
        }
        guard ready > 0 else { return }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        let count = chunk.withUnsafeMutableBytes { Glibc.read(replies.rawValue, $0.baseAddress, $0.count) }
        if count == 0 {
            throw HeadlessBrowserError(.browserExited, "Chromium closed its pipe while we waited for \(what): "
                                       + exitReport())
        }
        if count < 0 {
            if errno == EINTR || errno == EAGAIN { return }
            throw HeadlessBrowserError(.browserExited, "cannot read from Chromium: \(Errno(rawValue: errno))")
        }
        received += chunk[..<count]
        var start = received.startIndex
        while let end = received[start...].firstIndex(of: 0) {
            let bytes = Data(received[start..<end])
            start = end + 1
            guard let message = try? JSONSerialization.jsonObject(with: bytes) as? [String: Any] else {
                throw HeadlessBrowserError(
                    .protocolError, "not a JSON object from Chromium: \(String(decoding: bytes, as: UTF8.self))")
            }
            handle(message)
        }
        received.removeSubrange(..<start)
    }

    private func handle(_ message: [String: Any]) {
        if let id = message["id"] as? Int {
            if abandoned.remove(id) == nil { responses[id] = message }
            return
        }
        guard let method = message["method"] as? String else { return }
        let parameters = message["params"] as? [String: Any] ?? [:]
        let fromPage = sessionID != nil && message["sessionId"] as? String == sessionID
        switch method {
        case "Page.lifecycleEvent" where fromPage:
            if parameters["name"] as? String == "load", let loader = parameters["loaderId"] as? String {
                loadedLoaders.insert(loader)
            }
        case "Runtime.consoleAPICalled" where fromPage:
            let arguments = parameters["args"] as? [[String: Any]] ?? []
            messages.append(ConsoleMessage(
                level: parameters["type"] as? String ?? "log",
                text: arguments.map(Self.describe(remoteObject:)).joined(separator: " ")))
        case "Runtime.exceptionThrown" where fromPage:
            let details = parameters["exceptionDetails"] as? [String: Any] ?? [:]
            messages.append(ConsoleMessage(level: "exception", text: Self.describe(exception: details)))
        case "Log.entryAdded" where fromPage:
            let entry = parameters["entry"] as? [String: Any] ?? [:]
            var text = entry["text"] as? String ?? ""
            if let url = entry["url"] as? String, !url.isEmpty { text += " (\(url))" }
            messages.append(ConsoleMessage(level: entry["level"] as? String ?? "info", text: text))
        case "Inspector.targetCrashed" where fromPage:
            pageLost = "the page crashed"
        case "Target.detachedFromTarget":
            if sessionID != nil, parameters["sessionId"] as? String == sessionID {
                pageLost = "the page's session was detached"
            }
        default:
            break
        }
    }

    // MARK: Describing

    /// A `Runtime.RemoteObject` as text: its value, or its description.
    private static func describe(remoteObject object: [String: Any]) -> String {
        if let value = object["value"] {
            if let string = value as? String { return string }
            if let data = try? JSONSerialization.data(withJSONObject: value, options: .fragmentsAllowed) {
                return String(decoding: data, as: UTF8.self)
            }
        }
        return object["unserializableValue"] as? String ?? object["description"] as? String
            ?? object["type"] as? String ?? "?"
    }

    /// A `Runtime.ExceptionDetails` as text: the exception's description (with its stack) or the message.
    private static func describe(exception details: [String: Any]) -> String {
        let text = details["text"] as? String ?? "exception"
        guard let exception = details["exception"] as? [String: Any] else { return text }
        return "\(text) \(describe(remoteObject: exception))"
    }

    /// How Chromium ended, if it has, and the last lines it wrote to standard error.
    private func exitReport() -> String {
        let status = (try? container.root.poll()).flatMap { $0.map { "\($0)" } } ?? "still running"
        let lines = ((try? standardError.contents()) ?? "").split(separator: "\n")
            .filter { !$0.contains("dbus/") && !$0.contains("unexpected operator") }
        return "chromium \(status); its last errors: " + lines.suffix(8).joined(separator: "\n")
    }

    private static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        return Int32(clamping: max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000))
    }

    private static func socketPair() throws -> (ours: FileDescriptor, theirs: FileDescriptor) {
        var descriptors: [Int32] = [0, 0]
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, type, 0, &descriptors) == 0 else {
            throw HeadlessBrowserError(.launchFailed, "socketpair failed: \(Errno(rawValue: errno))")
        }
        return (FileDescriptor(rawValue: descriptors[0]), FileDescriptor(rawValue: descriptors[1]))
    }
}

/// Why a ``HeadlessBrowser`` call failed.
public struct HeadlessBrowserError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// Chromium is not installed, or could not be started.
        public static let launchFailed = Code("launchFailed")
        /// A wait ran out; the message names what was awaited.
        public static let timeout = Code("timeout")
        /// Chromium exited, closed its pipe, or the page crashed.
        public static let browserExited = Code("browserExited")
        /// Chromium answered a command with an error, or with something unexpected.
        public static let protocolError = Code("protocolError")
        /// A page could not be loaded.
        public static let navigationFailed = Code("navigationFailed")
        /// Evaluated JavaScript threw, or its promise rejected.
        public static let javascriptException = Code("javascriptException")
        /// No element matched a selector.
        public static let elementNotFound = Code("elementNotFound")
        /// A process of Chromium's outlived ``HeadlessBrowser/close()``.
        public static let processesLeft = Code("processesLeft")

        public var description: String { name }
    }

    /// The kind of failure.
    public var code: Code
    /// What happened, for a person.
    public var message: String

    /// Makes an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Such as `timeout: timed out waiting for the load event of file:///tmp/page.html`.
    public var description: String { "\(code): \(message)" }
}
