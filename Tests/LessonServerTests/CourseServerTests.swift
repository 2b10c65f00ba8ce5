import Foundation
import LessonTestSupport
import Multiprocessing
import SystemPackage
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `lesson serve` over real HTTP on 127.0.0.1: the built executable, as a teacher starts it.
@Suite("lesson serve", .serialized)
struct CourseServerTests {
    /// Waits until the events a stream received contain one for which `match` holds, and returns them all.
    func waitForEvent(
        _ stream: HTTPTestClient.Connection, timeout: Duration = .seconds(20),
        _ match: @escaping (String, [String: Any]) -> Bool
    ) -> [(name: String, data: [String: Any])] {
        stream.read(timeout: timeout) { bytes in
            serverEvents(in: bytes).contains { match($0.name, $0.data) }
        }
        return serverEvents(in: stream.received)
    }

    func run(_ client: HTTPTestClient, cell: String, args: String? = nil) throws -> HTTPTestClient.Response {
        let argsJSON = args.map { "\"\($0)\"" } ?? "null"
        return try client.post("/api/run", json: #"{"lesson": "live.md", "cell": "\#(cell)", "args": \#(argsJSON)}"#)
    }

    /// Runs the `stubborn` cell and returns the lesson's event stream and the pid of the grandchild it started,
    /// which ignores SIGTERM.
    /// Runs the `stubborn` cell and waits until its grandchild runs; returns the page's event stream and the
    /// cell's processes (the cell's own and the grandchild, found by the server's test tag).
    func startStubborn(_ serve: ServeProcess) throws -> (HTTPTestClient.Connection, [Int32]) {
        let events = try serve.client.openEvents(lesson: "live.md")
        #expect(try run(serve.client, cell: "stubborn").status == 202)
        _ = waitForEvent(events) { name, data in
            name == "output" && (data["text"] as? String)?.contains("grandchild ") == true
        }
        let processes = ProcessCensus.tagged(
            serve.tag, excluding: ProcessCensus.runnerAndCellServers(serve.child.id.rawValue))
        return (events, processes)
    }

    @Test func aPageNeedsTheTokenWhichIsExchangedForACookie() throws {
        let course = try CourseFolder()
        let serve = try ServeProcess(paths: [course.path.string])
        let anonymous = HTTPTestClient(port: serve.port)
        #expect(try anonymous.request("GET", "/").status == 403)
        #expect(try anonymous.request("GET", "/lessons/live.md").status == 403)
        #expect(try anonymous.request("GET", "/live.js").status == 403, "no route is exempt")
        #expect(try anonymous.request("GET", "/?token=0123").status == 403, "a wrong token")
        let exchange = try anonymous.request("GET", "/lessons/live.md?token=\(serve.token)")
        #expect(exchange.status == 303)
        #expect(exchange.header("Location") == "/lessons/live.md")
        #expect(exchange.header("Set-Cookie") == "lessonrunner-token=\(serve.token); Path=/; HttpOnly; SameSite=Strict")
        let page = try serve.client.request("GET", "/lessons/live.md")
        #expect(page.status == 200)
        #expect(page.body.contains("<button type=\"button\" class=\"cell-run\""))
        #expect(page.header("Content-Security-Policy")?.contains("script-src 'self'") == true)
        #expect(page.header("Access-Control-Allow-Origin") == nil)
        #expect(try serve.interrupt() == .exited(130))
    }

    @Test func itListensOnLoopbackOnlyByDefault() throws {
        let course = try CourseFolder()
        let serve = try ServeProcess(paths: [course.path.string])
        // /proc/net/tcp lists listening sockets (state 0A) as HEXADDR:HEXPORT; 0100007F is 127.0.0.1.
        let table = String(decoding: try TemporaryFile.read("/proc/net/tcp"), as: UTF8.self)
        let hexPort = String(serve.port, radix: 16, uppercase: true)
        let portSuffix = ":" + String(repeating: "0", count: 4 - hexPort.count) + hexPort
        var listening: [String] = []
        for line in table.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count > 3, fields[3] == "0A", fields[1].hasSuffix(portSuffix) else { continue }
            listening.append(String(fields[1].prefix(8)))
        }
        #expect(listening == ["0100007F"], "listening on \(listening)")
        let table6 = String(decoding: (try? TemporaryFile.read("/proc/net/tcp6")) ?? [], as: UTF8.self)
        #expect(!table6.contains(portSuffix + " "), "nothing on IPv6")
        _ = try serve.interrupt()
    }

    @Test func aForeignHostOrACrossSiteOriginIsRefused() throws {
        let course = try CourseFolder()
        let serve = try ServeProcess(paths: [course.path.string])
        let client = serve.client
        #expect(try client.request("GET", "/", host: "evil.example:\(serve.port)").status == 403, "DNS rebinding")
        #expect(try client.request("GET", "/", host: "127.0.0.1:1").status == 403, "another port")
        #expect(try client.request("GET", "/", host: "localhost:\(serve.port)").status == 200)
        let crossSite = try client.post(
            "/api/run", json: #"{"lesson": "live.md", "cell": "tick"}"#, origin: "http://evil.example")
        #expect(crossSite.status == 403)
        #expect(crossSite.body.contains("cross-origin"))
        let noOrigin = try client.request(
            "POST", "/api/run", headers: ["Content-Type": "application/json"],
            body: #"{"lesson": "live.md", "cell": "tick"}"#)
        #expect(noOrigin.status == 403)
        let form = try client.request(
            "POST", "/api/run", headers: ["Origin": "http://127.0.0.1:\(serve.port)",
                                          "Content-Type": "application/x-www-form-urlencoded"],
            body: "lesson=live.md&cell=tick")
        #expect(form.status == 415, "a form post, which a page on another site could send, is not JSON")
        #expect(!serve.readPrinted().contains("live.md › tick"), "none of them ran the cell")
        _ = try serve.interrupt()
    }

    @Test func aRunStreamsItsOutputBeforeTheCellEndsAndEndsWithTheVerdict() throws {
        let course = try CourseFolder()
        let serve = try ServeProcess(paths: [course.path.string])
        let events = try serve.client.openEvents(lesson: "live.md")
        events.read(timeout: .seconds(5)) { String(decoding: $0, as: UTF8.self).contains(": connected") }
        let accepted = try run(serve.client, cell: "tick")
        #expect(accepted.status == 202)
        let clock = ContinuousClock()
        let start = clock.now
        let early = waitForEvent(events) { name, data in name == "output" && (data["text"] as? String)?.contains("tick 1") == true }
        let firstOutput = clock.now - start
        #expect(!early.contains { $0.name == "finished" }, "tick 1 arrives while the cell still runs")
        #expect(firstOutput < .milliseconds(550), "the first chunk came after \(firstOutput); the cell takes 600 ms")
        let all = waitForEvent(events) { name, _ in name == "finished" }
        let names = all.map(\.name)
        #expect(names.first == "state" && names.contains("output"))
        let finished = try #require(all.last { $0.name == "finished" })
        #expect(finished.data["status"] as? String == "passed")
        #expect((finished.data["html"] as? String)?.contains("class=\"badge status-passed\"") == true)
        let page = try serve.client.request("GET", "/lessons/live.md")
        #expect(page.body.contains("tick 3"), "the finished run is part of the page from now on")
        #expect(serve.readPrinted(timeout: .seconds(1)).contains("live.md › tick: passed"))
        _ = try serve.interrupt()
    }

    @Test func stopEndsTheCellsWholeTreeIncludingAGrandchildThatIgnoresSIGTERM() throws {
        let course = try CourseFolder()
        let serve = try ServeProcess(paths: [course.path.string])
        let (events, processes) = try startStubborn(serve)
        #expect(processes.count == 2, "the cell and its grandchild run: \(processes)")
        #expect(try run(serve.client, cell: "stubborn").status == 409, "a running cell is not started twice")
        let stop = try serve.client.post("/api/stop", json: #"{"lesson": "live.md", "cell": "stubborn"}"#)
        #expect(stop.status == 202)
        let ended = waitForEvent(events, timeout: .seconds(5)) { name, _ in name == "finished" }
        #expect(ended.last { $0.name == "finished" }?.data["status"] as? String == "stopped")
        #expect(
            ProcessCensus.waitUntilNoneTagged(
                serve.tag, excluding: ProcessCensus.runnerAndCellServers(serve.child.id.rawValue)).isEmpty,
            "the stubborn grandchild is gone too")
        #expect(try serve.client.post("/api/stop", json: #"{"lesson": "live.md", "cell": "stubborn"}"#).status == 409)
        _ = try serve.interrupt()
    }

    @Test func aFloodIsCappedAndThePageSaysWhatWasCut() throws {
        let course = try CourseFolder()
        let serve = try ServeProcess(paths: [course.path.string])
        let events = try serve.client.openEvents(lesson: "live.md")
        #expect(try run(serve.client, cell: "flood").status == 202)
        let all = waitForEvent(events, timeout: .seconds(30)) { name, _ in name == "finished" }
        let shown = all.filter { $0.name == "output" }.compactMap { ($0.data["text"] as? String)?.utf8.count }.reduce(0, +)
        #expect(shown == 1 << 20, "exactly the 1 MiB cap of 4 MiB printed")
        #expect(all.contains { $0.name == "cut" && ($0.data["message"] as? String)?.contains("stdout cut after 1") == true })
        let html = all.last { $0.name == "finished" }?.data["html"] as? String ?? ""
        #expect(html.contains("stdout cut after 1"))
        _ = try serve.interrupt()
    }

    @Test func aSecondPageSeesTheRunningCellsOutputSoFarAndGoesOn() throws {
        let course = try CourseFolder()
        let serve = try ServeProcess(paths: [course.path.string])
        let first = try serve.client.openEvents(lesson: "live.md")
        #expect(try run(serve.client, cell: "tick").status == 202)
        _ = waitForEvent(first) { name, data in name == "output" && (data["text"] as? String)?.contains("tick 1") == true }
        let second = try serve.client.openEvents(lesson: "live.md")
        let attached = waitForEvent(second, timeout: .seconds(5)) { name, data in
            name == "output" && (data["text"] as? String)?.contains("tick 1") == true
        }
        #expect(attached.first?.name == "state", "the state first, then the output so far")
        #expect(!attached.contains { $0.name == "finished" })
        let finished = waitForEvent(second) { name, _ in name == "finished" }
        let text = finished.compactMap { $0.data["text"] as? String }.joined()
        #expect(text == "tick 1\ntick 2\ntick 3\n", "every line once, in order")
        _ = try serve.interrupt()
    }

    @Test func anEditReloadsThePagesAndABrokenLessonShowsItsErrorsUntilFixed() throws {
        let course = try CourseFolder()
        let serve = try ServeProcess(paths: [course.path.string])
        let events = try serve.client.openEvents(lesson: "live.md")
        events.read(timeout: .seconds(5)) { String(decoding: $0, as: UTF8.self).contains(": connected") }
        try course.write("live.md", CourseFolder.live.replacing("# Live", with: "# Live, edited"))
        #expect(!waitForEvent(events, timeout: .seconds(5)) { name, _ in name == "reload" }.isEmpty)
        #expect(try serve.client.request("GET", "/lessons/live.md").body.contains("Live, edited"))

        let again = try serve.client.openEvents(lesson: "live.md")
        again.read(timeout: .seconds(5)) { String(decoding: $0, as: UTF8.self).contains(": connected") }
        try course.write("live.md", "# Broken\n\n```swift demo=no-such-demo\n```\n")
        #expect(!waitForEvent(again, timeout: .seconds(5)) { name, _ in name == "reload" }.isEmpty)
        let broken = try serve.client.request("GET", "/lessons/live.md")
        #expect(broken.status == 200)
        #expect(broken.body.contains("live.md:3:10: error: unknown demo `no-such-demo`"))
        #expect(try serve.client.request("GET", "/").body.contains("Lessons that do not load"))
        let refused = try run(serve.client, cell: "tick")
        #expect(refused.status == 409)

        try course.write("added.md", "# Added\n\n```swift demo=echo-args\n```\n")
        let index = try serve.client.openEvents(lesson: nil)
        index.read(timeout: .seconds(5)) { String(decoding: $0, as: UTF8.self).contains(": connected") }
        try course.write("second.md", "# Second\n")
        #expect(!waitForEvent(index, timeout: .seconds(5)) { name, _ in name == "reload" }.isEmpty)
        #expect(try serve.client.request("GET", "/").body.contains("/lessons/second.md"))
        _ = try serve.interrupt()
    }

    @Test func aRebuiltDemoHostIsNoticedAndThePagesReload() throws {
        let course = try CourseFolder()
        let hostFolder = try TemporaryFolder()
        let host = hostFolder.path.appending("demos")
        let bytes = try TemporaryFile.read(BuiltExecutables.fixtures.string)
        func install() throws {
            // As a linker writes its output: a new file renamed over the old one.
            let fresh = hostFolder.path.appending("demos.new")
            let descriptor = try FileDescriptor.open(
                fresh, .writeOnly, options: [.create, .truncate, .closeOnExec], permissions: FilePermissions(rawValue: 0o755))
            try descriptor.closeAfter { _ = try descriptor.writeAll(bytes) }
            #expect(rename(fresh.string, host.string) == 0)
        }
        try install()
        let serve = try ServeProcess(paths: [course.path.string], host: host)
        let events = try serve.client.openEvents(lesson: "live.md")
        events.read(timeout: .seconds(5)) { String(decoding: $0, as: UTF8.self).contains(": connected") }
        try install()
        #expect(!waitForEvent(events, timeout: .seconds(5)) { name, _ in name == "reload" }.isEmpty)
        let after = try serve.client.openEvents(lesson: "live.md")
        #expect(try run(serve.client, cell: "tick").status == 202)
        let finished = waitForEvent(after) { name, _ in name == "finished" }
        #expect(finished.last { $0.name == "finished" }?.data["status"] as? String == "passed", "the new host runs the cell")
        _ = try serve.interrupt()
    }

    @Test func onlyTheServedLessonsCanBeReached() throws {
        let outside = try TemporaryFolder()
        let secret = outside.path.appending("secret.md")
        let course = try CourseFolder()
        try CourseFolder.writeFile(secret, "# Secret\n")
        #expect(symlink(secret.string, course.path.appending("escape.md").string) == 0)
        let serve = try ServeProcess(paths: [course.path.string])
        for path in ["/lessons/../secret.md", "/lessons/%2e%2e/secret.md", "/lessons/escape.md", "/lessons/" + secret.string,
                     "/lessons/live.md/..", "/etc/passwd"] {
            let response = try serve.client.request("GET", path)
            #expect(response.status == 404, "\(path): \(response.status)")
            #expect(!response.body.contains("Secret"))
        }
        #expect(!(try serve.client.request("GET", "/").body.contains("escape")), "a link out of the folder is not served")
        let unknown = try serve.client.post("/api/run", json: #"{"lesson": "../secret.md", "cell": "x"}"#)
        #expect(unknown.status == 404)
        _ = try serve.interrupt()
    }

    @Test func stopAndMalformedRequestsAnswerWithTheirDocumentedStatusInWords() throws {
        let course = try CourseFolder()
        let serve = try ServeProcess(paths: [course.path.string])
        let stops: [(body: String, status: Int, message: String)] = [
            (#"{"lesson": "no-such.md", "cell": "tick"}"#, 404, "no lesson no-such.md"),
            (#"{"lesson": "live.md", "cell": "no-such-cell"}"#, 404, "no cell no-such-cell in live.md"),
            (#"{"lesson": "live.md", "cell": "tick"}"#, 409, "cell tick is not running"),
        ]
        for stop in stops {
            let response = try serve.client.post("/api/stop", json: stop.body)
            #expect(response.status == stop.status, "\(stop.body): \(response.status)")
            #expect(response.body.contains(stop.message), "\(response.body)")
        }
        let malformed: [(body: String, message: String)] = [
            (#"{"lesson": "live.md"}"#, #"\"cell\" is missing"#),
            (#"{"lesson": "live.md", "cell": 7}"#, #"\"cell\" must be a string"#),
            ("{", "not valid JSON"),
        ]
        for request in malformed {
            let response = try serve.client.post("/api/run", json: request.body)
            #expect(response.status == 400)
            #expect(response.body.contains(request.message), "\(request.body): \(response.body)")
            #expect(!response.body.contains("CodingKeys") && !response.body.contains("Context"), "\(response.body)")
        }
        _ = try serve.interrupt()
    }

    @Test func lessonsWhosePathsNeedPercentEncodingOpenAndRunUnderTheirKey() throws {
        let course = try CourseFolder()
        // Each key, and the link the index gives it.
        let lessons = [
            ("sub dir/plain.md", "/lessons/sub%20dir/plain.md"),
            ("sub/é.md", "/lessons/sub/%C3%A9.md"),
            ("sub/a&b.md", "/lessons/sub/a%26b.md"),
        ]
        for folder in ["sub dir", "sub"] { #expect(mkdir(course.path.appending(folder).string, 0o755) == 0) }
        for (key, _) in lessons { try CourseFolder.writeFile(course.path.appending(key), CourseFolder.live) }
        let serve = try ServeProcess(paths: [course.path.string])
        let client = serve.client
        let index = try client.request("GET", "/")
        for (key, href) in lessons {
            #expect(index.body.contains("href=\"\(href)\""), "the index links to \(key) as \(href)")
            let page = try client.request("GET", href)
            #expect(page.status == 200, "\(href): \(page.status) \(page.body.prefix(200))")
            let escapedKey = key.replacingOccurrences(of: "&", with: "&amp;")
            #expect(page.body.contains("data-lesson=\"\(escapedKey)\""))
            // The page's own events address, then a run of the lesson under its key, as the page's script sends.
            guard let start = page.body.range(of: "data-events=\""),
                let end = page.body[start.upperBound...].firstIndex(of: "\"")
            else {
                Issue.record("\(href) has no events address")
                continue
            }
            let eventsPath = page.body[start.upperBound..<end].replacingOccurrences(of: "&amp;", with: "&")
            let events = try client.openEvents(path: eventsPath)
            #expect(events.read(timeout: .seconds(5)) { String(decoding: $0, as: UTF8.self).contains(": connected") },
                    "\(eventsPath): \(events.text)")
            let run = try client.post("/api/run", json: #"{"lesson": "\#(key)", "cell": "tick", "args": null}"#)
            #expect(run.status == 202, "\(key): \(run.body)")
            let finished = waitForEvent(events) { name, _ in name == "finished" }
            let verdict = finished.last { $0.name == "finished" }?.data["status"] as? String
            #expect(verdict == "passed", "\(key): \(finished.map(\.name))")
        }
        for (path, status) in [("/lessons/sub/%C3.md", 400), ("/lessons/sub/%zz.md", 400), ("/lessons/sub/a%2.md", 400),
                               ("/lessons/sub%2F..%2F..%2Fsecret.md", 404), ("/lessons/%2Fetc%2Fpasswd", 404)] {
            let response = try client.request("GET", path)
            #expect(response.status == status, "\(path): \(response.status) \(response.body)")
        }
        _ = try serve.interrupt()
    }

    @Test func controlCEndsEveryRunningCellsTreeAndLeavesNothingBehind() throws {
        let course = try CourseFolder()
        let serve = try ServeProcess(paths: [course.path.string])
        let (events, processes) = try startStubborn(serve)
        #expect(processes.count == 2, "the cell and its grandchild run: \(processes)")
        let server = serve.child.id.rawValue
        #expect(try serve.interrupt() == .exited(130))
        #expect(ProcessCensus.waitUntilNoneTagged(serve.tag).isEmpty)
        #expect(ProcessCensus.children(of: server).isEmpty)
        #expect(events.isClosedByPeer(timeout: .seconds(2)), "the event stream is closed")
    }

    @Test func aKilledServerLeavesNothingOfItsRunningCellsBehind() throws {
        let course = try CourseFolder()
        let serve = try ServeProcess(paths: [course.path.string])
        defer { ProcessCensus.killTagged(serve.tag) }
        let (events, processes) = try startStubborn(serve)
        #expect(processes.count == 2, "the cell and its grandchild run: \(processes)")
        try serve.child.send(.kill)
        _ = try serve.child.wait()
        let left = ProcessCensus.waitUntilNoneTagged(serve.tag, timeout: .seconds(1))
        #expect(left.isEmpty, "processes \(left) outlived the killed server by 1 s")
        #expect(events.isClosedByPeer(timeout: .seconds(2)), "the event stream is closed")
        ProcessCensus.reapOrphans()
    }

    @Test func nothingACellPrintsBecomesMarkupOnThePage() throws {
        let course = try CourseFolder()
        let serve = try ServeProcess(paths: [course.path.string])
        let events = try serve.client.openEvents(lesson: "live.md")
        #expect(try run(serve.client, cell: "markup").status == 202)
        let all = waitForEvent(events) { name, _ in name == "finished" }
        let html = all.last { $0.name == "finished" }?.data["html"] as? String ?? ""
        #expect(html.contains("&lt;script&gt;alert("))
        #expect(!html.contains("<script>"))
        let page = try serve.client.request("GET", "/lessons/live.md").body
        #expect(!page.contains("<script>alert"))
        _ = try serve.interrupt()
    }

    @Test func argumentsFromThePageAreSplitAsArgsIsAndBadOnesAreRefused() throws {
        let course = try CourseFolder()
        let serve = try ServeProcess(paths: [course.path.string])
        let events = try serve.client.openEvents(lesson: "live.md")
        #expect(try run(serve.client, cell: "echo-args", args: "'a b' c").status == 202)
        let all = waitForEvent(events) { name, _ in name == "finished" }
        #expect(all.compactMap { $0.data["text"] as? String }.joined() == "[a b]\n[c]\n")
        let bad = try run(serve.client, cell: "echo-args", args: "'open")
        #expect(bad.status == 400)
        #expect(bad.body.contains("never closed"))
        let long = try run(serve.client, cell: "echo-args", args: String(repeating: "x", count: 5000))
        #expect(long.status == 400)
        _ = try serve.interrupt()
    }

    /// The section of a cell in a page's HTML, from its opening tag to its end.
    func section(_ cell: String, in html: String) -> String {
        guard let id = html.range(of: "id=\"cell-\(cell)\""),
            let open = html[..<id.lowerBound].range(of: "<section", options: .backwards),
            let end = html[id.upperBound...].range(of: "</section>")
        else { return "" }
        return String(html[open.lowerBound..<end.upperBound])
    }

    /// Waits until a stream received more than `count` events named `name`.
    func waitForMore(_ stream: HTTPTestClient.Connection, _ name: String, than count: Int, timeout: Duration = .seconds(20)) {
        _ = stream.read(timeout: timeout) { bytes in serverEvents(in: bytes).count { $0.name == name } > count }
    }

    func count(_ stream: HTTPTestClient.Connection, _ name: String) -> Int {
        serverEvents(in: stream.received).count { $0.name == name }
    }

    @Test func aStoppedCellIsStoppedNotFailedOnItsPageAndTheIndex() throws {
        let course = try CourseFolder()
        let serve = try ServeProcess(paths: [course.path.string])
        let (events, _) = try startStubborn(serve)
        #expect(try serve.client.post("/api/stop", json: #"{"lesson": "live.md", "cell": "stubborn"}"#).status == 202)
        _ = waitForEvent(events, timeout: .seconds(5)) { name, _ in name == "finished" }
        let page = try serve.client.request("GET", "/lessons/live.md").body
        #expect(page.contains("<div class=\"counts\">0 of 5 cells passed, 1 stopped, 4 not run</div>"))
        #expect(page.contains("<span class=\"badge status-stopped\">1 stopped</span>"))
        #expect(!page.contains("1 failed"))
        let index = try serve.client.request("GET", "/").body
        #expect(index.contains("<li class=\"status-not-run\">"), "not red")
        #expect(index.contains("0/5 passed · 1 stopped · 4 not run · "))
        #expect(!index.contains("1 failed") && !index.contains("0 failed"))
        _ = try serve.interrupt()
    }

    @Test func theIndexCountsEveryCellOfEachLessonAndListsBrokenLessonsInItsContent() throws {
        let course = try CourseFolder(lessons: [
            "live.md": CourseFolder.live, "broken.md": "# Broken\n\n```swift demo=no-such-demo\n```\n",
        ])
        let serve = try ServeProcess(paths: [course.path.string])
        let fresh = try serve.client.request("GET", "/").body
        #expect(fresh.contains("<div class=\"counts\">0 of 5 cells passed, 5 not run</div>"))
        #expect(fresh.contains("<span class=\"lesson-counts\">0/5 passed · 5 not run · "))
        #expect(fresh.contains("<li class=\"status-not-run\">"), "nothing ran: a neutral mark, not a green one")
        #expect(fresh.contains(".status-not-run { --status: var(--border); }"))
        let broken = try #require(fresh.range(of: "<section class=\"broken-lessons\">"))
        let main = try #require(fresh.range(of: "</main>"))
        #expect(broken.lowerBound < main.lowerBound, "the list of broken lessons is part of the page's content")

        let events = try serve.client.openEvents(lesson: "live.md")
        #expect(try run(serve.client, cell: "echo-args").status == 202)
        _ = waitForEvent(events) { name, _ in name == "finished" }
        let after = try serve.client.request("GET", "/").body
        #expect(after.contains("<span class=\"lesson-counts\">1/5 passed · 4 not run · "))
        #expect(after.contains("<div class=\"counts\">1 of 5 cells passed, 4 not run</div>"))
        #expect(after.contains("<li class=\"status-not-run\">"))
        _ = try serve.interrupt()
    }

    @Test func anEditedCellLosesItsResultWhileUnchangedCellsKeepTheirs() throws {
        let course = try CourseFolder()
        let serve = try ServeProcess(paths: [course.path.string])
        let events = try serve.client.openEvents(lesson: "live.md")
        #expect(try run(serve.client, cell: "tick").status == 202)
        _ = waitForEvent(events) { name, data in name == "finished" && data["cell"] as? String == "tick" }
        #expect(try run(serve.client, cell: "markup").status == 202)
        _ = waitForEvent(events) { name, data in name == "finished" && data["cell"] as? String == "markup" }
        let before = try serve.client.request("GET", "/lessons/live.md").body
        #expect(section("tick", in: before).contains("class=\"cell status-passed\""))

        // The heading changes and every cell moves: no cell's definition changed.
        let moved = CourseFolder.live.replacing("# Live", with: "# Live\n\nA new paragraph.\n")
        try course.write("live.md", moved)
        _ = waitForEvent(events, timeout: .seconds(5)) { name, _ in name == "reload" }
        let same = try serve.client.request("GET", "/lessons/live.md").body
        #expect(same.contains("A new paragraph."))
        #expect(section("tick", in: same).contains("class=\"cell status-passed\""), "an unchanged cell keeps its result")

        for edit in [
            moved.replacing("args=\"3\"", with: "args=\"2\""),
            moved.replacing("tick 3\n", with: "tick three\n"),
            moved.replacing("demo=tick args=\"3\"", with: "demo=tick args=\"3\" timeout=20s"),
        ] {
            let finished = count(events, "finished")
            #expect(try run(serve.client, cell: "tick").status == 202)
            waitForMore(events, "finished", than: finished)
            #expect(section("tick", in: try serve.client.request("GET", "/lessons/live.md").body)
                .contains("class=\"cell status-passed\""))
            let reloads = count(events, "reload")
            try course.write("live.md", edit)
            waitForMore(events, "reload", than: reloads, timeout: .seconds(5))
            let page = try serve.client.request("GET", "/lessons/live.md").body
            let tick = section("tick", in: page)
            #expect(tick.contains("class=\"cell status-not-run\""), "the edited cell shows as not run: \(tick.prefix(120))")
            #expect(!tick.contains("status-passed"))
            #expect(section("markup", in: page).contains("class=\"cell status-passed\""), "the others keep theirs")
            #expect(try serve.client.request("GET", "/").body.contains("1/5 passed"))
            try course.write("live.md", moved)
            waitForMore(events, "reload", than: reloads + 1, timeout: .seconds(5))
        }
        _ = try serve.interrupt()
    }

    @Test func aRunThatEndsAfterItsCellChangedIsNotTheNewCellsVerdict() throws {
        let course = try CourseFolder()
        let serve = try ServeProcess(paths: [course.path.string])
        let events = try serve.client.openEvents(lesson: "live.md")
        #expect(try run(serve.client, cell: "tick", args: "30").status == 202)
        _ = waitForEvent(events) { name, data in name == "output" && (data["text"] as? String)?.contains("tick 1") == true }
        try course.write("live.md", CourseFolder.live.replacing("tick 3\n", with: "tick 3\ntick 4\n"))
        _ = waitForEvent(events, timeout: .seconds(5)) { name, _ in name == "reload" }
        #expect(try serve.client.post("/api/stop", json: #"{"lesson": "live.md", "cell": "tick"}"#).status == 202)
        let all = waitForEvent(events, timeout: .seconds(10)) { name, _ in name == "finished" }
        let html = all.last { $0.name == "finished" }?.data["html"] as? String ?? ""
        #expect(html.contains("class=\"cell status-not-run\""), "the page shows the cell as it is now, not run")
        #expect(html.contains("tick 4"), "with its new expected output")
        let page = try serve.client.request("GET", "/lessons/live.md").body
        #expect(section("tick", in: page).contains("class=\"cell status-not-run\""))
        let later = try serve.client.openEvents(lesson: "live.md")
        later.read(timeout: .seconds(2)) { String(decoding: $0, as: UTF8.self).contains(": connected") }
        #expect(!serverEvents(in: later.received).contains { $0.name == "finished" }, "no stale verdict for a new page")
        _ = try serve.interrupt()
    }

    @Test func theBrokenLessonPageHasReadableLinksInBothSchemes() throws {
        let course = try CourseFolder(lessons: ["broken.md": "# Broken\n\n```swift demo=no-such-demo\n```\n"])
        let serve = try ServeProcess(paths: [course.path.string])
        let page = try serve.client.request("GET", "/lessons/broken.md").body
        #expect(page.contains("<a href=\"/\">← All lessons</a>"))
        let dark = try #require(page.range(of: "@media (prefers-color-scheme: dark)"))
        #expect(page[..<dark.lowerBound].contains("a{color:#0969da}"), "light")
        #expect(page[dark.lowerBound...].contains("a{color:#4493f8}"), "dark: a light blue on #111")
        _ = try serve.interrupt()
    }

    @Test func aPortInUseIsAClearErrorThatNamesIt() throws {
        let course = try CourseFolder()
        let first = try ServeProcess(paths: [course.path.string])
        let second = try CommandRun.run(
            BuiltExecutables.lesson,
            ["serve", "--port", String(first.port), "--demos", BuiltExecutables.fixtures.string, course.path.string])
        #expect(second.exitCode == 2)
        #expect(second.standardError.contains("port \(first.port) on 127.0.0.1 is in use"))
        _ = try first.interrupt()
    }
}

extension CourseFolder {
    static func writeFile(_ path: FilePath, _ text: String) throws {
        let descriptor = try FileDescriptor.open(
            path, .writeOnly, options: [.create, .truncate, .closeOnExec], permissions: FilePermissions(rawValue: 0o644))
        try descriptor.closeAfter { _ = try descriptor.writeAll(Array(text.utf8)) }
    }
}
