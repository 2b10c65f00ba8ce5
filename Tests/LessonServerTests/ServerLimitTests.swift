import Foundation
import LessonTestSupport
import Testing

/// What a client can make the server spend is bounded: event streams, queued runs, request bodies, and the time a
/// client may take to send its request.
@Suite("lesson serve limits", .serialized)
struct ServerLimitTests {
    @Test func eventStreamsBeyondTheLimitAreRefused() throws {
        let course = try CourseFolder()
        let serve = try ServeProcess(paths: [course.path.string], extra: ["--page-limit", "2"])
        let first = try serve.client.openEvents(lesson: "live.md")
        let second = try serve.client.openEvents(lesson: nil)
        for stream in [first, second] {
            #expect(stream.read(timeout: .seconds(5)) { String(decoding: $0, as: UTF8.self).contains(": connected") })
        }
        let third = try serve.client.request("GET", "/events?lesson=live.md")
        #expect(third.status == 503)
        _ = try serve.interrupt()
    }

    /// Opens an event stream and returns it once connected, or nil when the server refuses it.
    func connectedPage(_ client: HTTPTestClient, lesson: String?) throws -> HTTPTestClient.Connection? {
        let page = try client.openEvents(lesson: lesson)
        // A refusal ends with the connection; an accepted stream says so at once.
        page.read(timeout: .seconds(5)) { String(decoding: $0, as: UTF8.self).contains(": connected") }
        return page.text.hasPrefix("HTTP/1.1 200") && page.text.contains(": connected") ? page : nil
    }

    @Test func closedPagesFreeTheirPlacesWithoutWaitingForAnEvent() throws {
        let course = try CourseFolder()
        let limit = 4
        // A heartbeat far longer than the test: the places must come free because the pages closed, though no
        // run makes an event and no comment is due.
        let serve = try ServeProcess(
            paths: [course.path.string], extra: ["--page-limit", "\(limit)", "--heartbeat", "600"])
        let client = serve.client
        let clock = ContinuousClock()
        for round in 1...3 {
            // The previous round's pages closed their connections: their places come free within a bounded time.
            let deadline = clock.now + .seconds(5)
            var pages: [HTTPTestClient.Connection] = []
            while pages.count < limit, clock.now < deadline {
                if let page = try connectedPage(client, lesson: pages.count % 2 == 0 ? "live.md" : nil) {
                    pages.append(page)
                } else {
                    Thread.sleep(forTimeInterval: 0.05)
                }
            }
            #expect(pages.count == limit, "round \(round): \(pages.count) of \(limit) pages were let in")
            #expect(try client.request("GET", "/events?lesson=live.md").status == 503, "the limit still holds")
            pages.removeAll()  // Closes their connections, as a browser closing its tabs.
        }
        #expect(!serve.readPrinted().contains("›"), "no run happened")
        _ = try serve.interrupt()
    }

    @Test func anIdlePageIsSentHeartbeatCommentsThatAreNoEvents() throws {
        let course = try CourseFolder()
        let serve = try ServeProcess(paths: [course.path.string], extra: ["--heartbeat", "0.2"])
        let page = try serve.client.openEvents(lesson: "live.md")
        let pinged = page.read(timeout: .seconds(5)) { bytes in
            String(decoding: HTTPTestClient.bodySoFar(bytes), as: UTF8.self).components(separatedBy: ": ping\n\n")
                .count > 2
        }
        #expect(pinged, "two heartbeats within 5 s: \(page.text)")
        #expect(serverEvents(in: page.received).isEmpty, "a comment is no event for EventSource")
        _ = try serve.interrupt()
    }

    @Test func runsBeyondTheQueueAndBodiesTooLargeAreRefused() throws {
        let course = try CourseFolder()
        let serve = try ServeProcess(
            paths: [course.path.string], extra: ["--jobs", "1", "--queue-limit", "1", "--request-limit", "256"])
        let client = serve.client
        let events = try client.openEvents(lesson: "live.md")
        func run(_ cell: String) throws -> Int {
            try client.post("/api/run", json: #"{"lesson": "live.md", "cell": "\#(cell)"}"#).status
        }
        #expect(try run("stubborn") == 202)
        // The running cell leaves the queue once the one job takes it.
        #expect(events.read(timeout: .seconds(10)) { String(decoding: $0, as: UTF8.self).contains("\"running\"") })
        #expect(try run("tick") == 202, "one run may wait")
        let refused = try client.post("/api/run", json: #"{"lesson": "live.md", "cell": "markup"}"#)
        #expect(refused.status == 429)
        #expect(refused.body.contains("waiting already"))
        let stop = try client.post("/api/stop", json: #"{"lesson": "live.md", "cell": "tick"}"#)
        #expect(stop.status == 202, "a queued run can be stopped before it starts")
        let large = try client.post(
            "/api/run", json: #"{"lesson": "live.md", "cell": "tick", "pad": ""# + "\"" + String(repeating: "x", count: 1000) + "\"}")
        #expect(large.status == 413)
        #expect(try client.post("/api/stop", json: #"{"lesson": "live.md", "cell": "stubborn"}"#).status == 202)
        _ = try serve.interrupt()
    }

    @Test func aClientThatNeverFinishesItsHeadersIsCutOffAndHugeHeadersAreRefused() throws {
        let course = try CourseFolder()
        let serve = try ServeProcess(paths: [course.path.string], extra: ["--idle-timeout", "1"])
        let slow = try HTTPTestClient.Connection(port: serve.port)
        try slow.send(Array("GET / HTTP/1.1\r\nHost: 127.0.0.1:\(serve.port)\r\nX-Slow: ".utf8))
        #expect(slow.isClosedByPeer(timeout: .seconds(5)))
        let huge = try HTTPTestClient.Connection(port: serve.port)
        try? huge.send(Array(("GET / HTTP/1.1\r\nHost: 127.0.0.1:\(serve.port)\r\nX-Big: "
            + String(repeating: "y", count: 200_000) + "\r\n\r\n").utf8))
        huge.read(timeout: .seconds(5))
        #expect(!huge.text.hasPrefix("HTTP/1.1 200"), "headers past 80 KiB are refused")
        _ = try serve.interrupt()
    }
}
