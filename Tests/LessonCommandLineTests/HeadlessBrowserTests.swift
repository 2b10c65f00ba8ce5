import Foundation
import LessonTestSupport
import SystemPackage
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The DevTools driver against a static page: a Run button that streams lines into a `<pre>` with timers, as the
/// live page will with server-sent events; a dark theme under `prefers-color-scheme: dark`.
@Suite(
    "Headless browser over the DevTools pipe", .serialized,
    .enabled(if: HeadlessBrowser.executable != nil, "chromium is not installed (scripts/install-dependencies)"))
struct HeadlessBrowserTests {
    static let page = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Streaming fixture</title>
        <style>
          body { margin: 24px; font: 16px/1.4 sans-serif; background: #ffffff; color: #1b1b1b; }
          button { font-size: 16px; padding: 4px 16px; }
          pre { min-height: 8em; padding: 8px; border: 1px solid #8a8a8a; background: #f4f4f4; }
          @media (prefers-color-scheme: dark) {
            body { background: #15181c; color: #e6e6e6; }
            pre { background: #23272e; border-color: #5a5f66; }
          }
        </style>
        </head>
        <body>
        <h1>Streaming fixture</h1>
        <button id="run" type="button">Run</button>
        <pre id="output"></pre>
        <script>
          document.getElementById('run').addEventListener('click', () => {
            const output = document.getElementById('output');
            ['step 1', 'step 2', 'step 3', 'done'].forEach((line, index) => {
              setTimeout(() => { output.textContent += line + '\\n'; }, 40 * (index + 1));
            });
          });
        </script>
        </body>
        </html>
        """

    /// Writes the page into `folder` and returns its `file://` URL.
    static func writePage(in folder: TemporaryFolder) throws -> String {
        let path = folder.path.appending("page.html")
        let descriptor = try FileDescriptor.open(
            path, .writeOnly, options: [.create, .truncate, .closeOnExec], permissions: .ownerReadWrite)
        try descriptor.closeAfter { _ = try descriptor.writeAll(Array(page.utf8)) }
        return "file://" + path.string
    }

    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The width and height in a PNG's IHDR chunk, which follows the signature.
    static func pngSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        guard bytes.count > 24, Array(bytes[12..<16]) == Array("IHDR".utf8) else { return nil }
        func number(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (number(16), number(20))
    }

    @Test func clickingRunStreamsOutputThatScreenshotsShowInBothThemes() throws {
        let folder = try TemporaryFolder()
        let url = try Self.writePage(in: folder)
        let browser = try HeadlessBrowser.launch(windowSize: (width: 800, height: 600))
        defer { try? browser.close() }

        try browser.navigate(to: url)
        #expect(try browser.evaluate("document.title") as? String == "Streaming fixture")
        #expect(try browser.evaluate("[innerWidth, innerHeight]") as? [Int] == [800, 600])
        #expect(try browser.evaluate("document.getElementById('output').textContent") as? String == "")

        try browser.click("#run")
        try browser.waitUntil(
            "document.getElementById('output').textContent.endsWith('done\\n')", timeout: .seconds(5))
        #expect(
            try browser.evaluate("document.getElementById('output').textContent") as? String
                == "step 1\nstep 2\nstep 3\ndone\n")
        #expect(try browser.evaluate("document.querySelectorAll('pre').length") as? Int == 1)
        #expect(try browser.evaluate("Promise.resolve(6 * 7)") as? Int == 42, "a promise is awaited")
        #expect(try browser.evaluate("undefined") == nil)
        #expect(browser.consoleMessages.filter(\.isError).isEmpty, "\(browser.consoleMessages)")

        let light = folder.path.appending("light.png").string
        let dark = folder.path.appending("dark.png").string
        #expect(try browser.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") as? Bool == false)
        try browser.screenshot(to: light)
        try browser.setDarkMode(true)
        #expect(try browser.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") as? Bool == true)
        #expect(try browser.evaluate("getComputedStyle(document.body).backgroundColor") as? String
                == "rgb(21, 24, 28)")
        try browser.screenshot(to: dark)
        try browser.screenshot(to: folder.path.appending("dark-full.png").string, fullPage: true)

        let lightBytes = try TemporaryFile.read(light)
        let darkBytes = try TemporaryFile.read(dark)
        #expect(Array(lightBytes.prefix(8)) == Self.pngSignature)
        #expect(Array(darkBytes.prefix(8)) == Self.pngSignature)
        #expect(Self.pngSize(lightBytes).map { [$0.width, $0.height] } == [800, 600], "the viewport's size")
        #expect(lightBytes != darkBytes, "the dark theme looks different")
        if let keep = getenv("HEADLESS_BROWSER_SCREENSHOTS").map({ String(cString: $0) }) {
            for name in ["light.png", "dark.png", "dark-full.png"] {
                let bytes = try TemporaryFile.read(folder.path.appending(name).string)
                let copy = try FileDescriptor.open(
                    FilePath(keep).appending(name), .writeOnly, options: [.create, .truncate, .closeOnExec],
                    permissions: .ownerReadWrite)
                try copy.closeAfter { _ = try copy.writeAll(bytes) }
            }
        }

        let processes = browser.processIDs
        #expect(processes.count >= 2, "Chromium and its helpers: \(processes)")
        try browser.close()
        // Only this browser's processes: another suite may be running Chromium in this process meanwhile.
        let left = ProcessCensus.children(of: getpid()).filter { $0.name.hasPrefix("chrom") }
            .filter { processes.contains($0.pid) }
        #expect(left.isEmpty, "\(left)")
        #expect(ProcessCensus.waitUntilGone(processes, timeout: .zero).isEmpty, "nothing left, zombies included")
        #expect(browser.processIDs.isEmpty)
    }

    @Test func failuresSayWhatWentWrong() throws {
        let folder = try TemporaryFolder()
        let url = try Self.writePage(in: folder)
        let browser = try HeadlessBrowser.launch(windowSize: (width: 640, height: 480), darkMode: true)
        defer { try? browser.close() }
        try browser.navigate(to: url)
        #expect(try browser.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") as? Bool == true)

        let missing = #expect(throws: HeadlessBrowserError.self) { try browser.click("#nothing") }
        #expect(missing?.code == .elementNotFound)
        let thrown = #expect(throws: HeadlessBrowserError.self) { try browser.evaluate("null.length") }
        #expect(thrown?.code == .javascriptException)
        #expect(thrown?.message.contains("TypeError") == true, "\(String(describing: thrown))")
        let slow = #expect(throws: HeadlessBrowserError.self) {
            try browser.waitUntil("document.title === 'never'", timeout: .milliseconds(200))
        }
        #expect(slow?.code == .timeout)
        #expect(slow?.message.contains("document.title === 'never'") == true, "\(String(describing: slow))")

        _ = try browser.evaluate("console.error('boom', 42); setTimeout(() => { throw new Error('late') }, 0)")
        try browser.waitUntil("new Promise(resolve => setTimeout(() => resolve(true), 50))", timeout: .seconds(2))
        let errors = browser.consoleMessages.filter(\.isError).map(\.text)
        #expect(errors.contains("boom 42"), "\(errors)")
        #expect(errors.contains { $0.contains("Error: late") }, "\(errors)")

        // Nothing off the machine resolves, IP addresses included; the loopback address does.
        for offMachine in ["http://example.com/", "http://1.1.1.1/"] {
            let blocked = #expect(throws: HeadlessBrowserError.self) { try browser.navigate(to: offMachine) }
            #expect(blocked?.message.contains("net::ERR_NAME_NOT_RESOLVED") == true, "\(String(describing: blocked))")
        }
        let server = try LoopbackServer(page: "<!doctype html><title>served on the loopback</title>")
        try browser.navigate(to: "http://127.0.0.1:\(server.port)/")
        #expect(try browser.evaluate("document.title") as? String == "served on the loopback")
    }

    @Test func aBrowserThatIsNotClosedEndsWithItsLastReference() throws {
        var processes: [Int32] = []
        do {
            let browser = try HeadlessBrowser.launch(windowSize: (width: 320, height: 240))
            processes = browser.processIDs
            #expect(try browser.evaluate("1 + 1") as? Int == 2)
        }
        #expect(!processes.isEmpty)
        #expect(ProcessCensus.waitUntilGone(processes, timeout: .zero).isEmpty, "\(processes)")
    }
}

/// An HTTP server on 127.0.0.1 that answers every request with one page, on a thread, until it goes away.
/// (Accepted sockets are not close-on-exec for the moment they are open; children spawned through
/// `SpawnConfiguration` close every descriptor from 3 up anyway.)
final class LoopbackServer {
    let port: Int
    private let listener: Int32

    init(page: String) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listener >= 0 else { throw Errno(rawValue: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && listen(listener, 8) == 0
                    && getsockname(listener, $0, &length) == 0
            }
        }
        guard bound else {
            close(listener)
            throw Errno(rawValue: errno)
        }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        let response = Array(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: \(page.utf8.count)\r\n"
                .utf8) + Array("Connection: close\r\n\r\n\(page)".utf8)
        Thread.detachNewThread {
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 {
                    if errno == EINTR { continue }
                    close(listener)  // shut down: the thread closes it, so its number is not reused under it
                    return
                }
                var request = [UInt8](repeating: 0, count: 4096)
                _ = read(client, &request, request.count)
                _ = response.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                close(client)
            }
        }
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
    }
}
