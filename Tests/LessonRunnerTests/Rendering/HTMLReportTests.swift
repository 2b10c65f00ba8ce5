import LessonRunner
import Multiprocessing
import SystemPackage
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("HTMLReport")
struct HTMLReportTests {
    static let fixtures = FilePath(#filePath).removingLastComponent().removingLastComponent()
        .appending("Fixtures/Rendering")
    static let templates = FilePath(#filePath).removingLastComponent().removingLastComponent()
        .removingLastComponent().removingLastComponent().appending("Sources/LessonRunner/Rendering/Templates")
    static let demos = DemoRegistry(["hello", "echo", "crash"].map { Demo($0, summary: "") { _ in 0 } })
    static let environment = ReportEnvironment(
        swiftVersion: "6.3", machine: "Linux x86_64, 2 cores", date: "2026-01-02 03:04 UTC")

    static func output(stdout: [UInt8] = [], stderr: [UInt8] = []) -> CapturedOutput {
        var output = CapturedOutput()
        output.stdout = CapturedStream(bytes: stdout)
        output.stderr = CapturedStream(bytes: stderr)
        return output
    }

    /// A run of `markdown` with fixed results: each cell's result from `results` by id, else passed with no output.
    static func run(_ markdown: [UInt8], _ results: [String: CellResult] = [:]) throws -> LessonRunResult {
        let lesson = try LessonParser(demos: demos).parse(markdown, path: "lesson.md")
        let cellResults = lesson.cells.map { cell in
            guard var result = results[cell.id] else {
                return CellResult(
                    cellID: cell.id, status: cell.options.skip ? .skipped : .passed,
                    termination: cell.options.skip ? nil : .exited(0), duration: .milliseconds(2))
            }
            // A failed cell carries the output check's diffs, as a real run gives it.
            if result.status == .failed && result.mismatches.isEmpty {
                result.mismatches = OutputCheck.mismatches(of: cell, output: result.output)
            }
            return result
        }
        return LessonRunResult(lesson: lesson, results: cellResults, duration: .milliseconds(25))
    }

    static func render(_ markdown: String, _ results: [String: CellResult] = [:], report: HTMLReport? = nil)
        throws -> String
    {
        let report = report ?? HTMLReport(environment: environment)
        return String(decoding: report.render(try run(Array(markdown.utf8), results)), as: UTF8.self)
    }

    @Test func capturedMarkupIsEscapedAndAnsiColourBecomesSpans() throws {
        let output = Self.output(
            stdout: Array("<script>alert('x')</script>\n\u{1B}[31mred\u{1B}[0m\n".utf8), stderr: Array("a & b\n".utf8))
        let html = try Self.render(
            "```swift demo=hello\n```\n", ["hello": CellResult(cellID: "hello", status: .passed, output: output)])
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        #expect(!html.contains("<script>alert"))
        #expect(html.contains("<span class=\"ansi-fg-red\">red</span>\n"))
        #expect(!html.contains("\u{1B}"))
        #expect(html.contains("<figure class=\"stream stream-stderr\"><figcaption>stderr</figcaption><pre>a &amp; b\n"))
    }

    @Test func invalidUTF8IsShownAsItsBytes() throws {
        let output = Self.output(stdout: [0x6F, 0x6B, 0x20, 0xFF, 0xFE, 0x20, 0xC3, 0x0A])
        let html = try Self.render(
            "```swift demo=hello\n```\n", ["hello": CellResult(cellID: "hello", status: .passed, output: output)])
        #expect(html.contains(
            "ok <span class=\"invalid-utf8\" title=\"invalid UTF-8\">\\xFF</span>"
                + "<span class=\"invalid-utf8\" title=\"invalid UTF-8\">\\xFE</span> "
                + "<span class=\"invalid-utf8\" title=\"invalid UTF-8\">\\xC3</span>\n"))
        #expect(html.contains("stdout has invalid UTF-8"))
    }

    @Test func headingsGetIdsAndTheTableOfContentsLinksThem() throws {
        let html = try Self.render("# Title\n\n## Cell hello\n\n## Title\n\n```swift demo=hello\n```\n")
        #expect(html.contains("<h1 id=\"title\">"))
        #expect(html.contains("<h2 id=\"cell-hello-1\">"), "the cell's anchor cell-hello is taken")
        #expect(html.contains("<h2 id=\"title-1\">"))
        #expect(html.contains("<a href=\"#title-1\">Title</a>"))
        #expect(html.contains("<section class=\"cell status-passed\" id=\"cell-hello\">"))
    }

    @Test func rawHTMLGoesThroughTheTagFilterUnlessAllowed() throws {
        let markdown = "Text <kbd>K</kbd>\n\n<script>alert(1)</script>\n"
        let filtered = try Self.render(markdown)
        #expect(filtered.contains("<kbd>K</kbd>"))
        #expect(filtered.contains("&lt;script>alert(1)&lt;/script>"))
        let allowed = try Self.render(markdown, report: HTMLReport(rawHTML: .allowed, environment: Self.environment))
        #expect(allowed.contains("<script>alert(1)</script>"))
        let omitted = try Self.render(markdown, report: HTMLReport(rawHTML: .omitted, environment: Self.environment))
        #expect(!omitted.contains("kbd") && !omitted.contains("alert"))
    }

    @Test func aCellInAQuoteStaysInTheQuoteAndExpectedBlocksAreReplaced() throws {
        let html = try Self.render("> ```swift demo=hello\n> ```\n>\n> ```output\n> stale\n> ```\n\nafter\n")
        #expect(html.contains("<blockquote>\n<section class=\"cell status-passed\" id=\"cell-hello\">"))
        #expect(!html.contains("stale"))
    }

    @Test func aFailedCellShowsItsDetailAndTheDiffOfItsExpectedOutput() throws {
        let markdown = "```swift demo=hello\n```\n\n```output\none\ntwo\n```\n"
        let lesson = try LessonParser(demos: Self.demos).parse(Array(markdown.utf8), path: "lesson.md")
        var result = CellResult(
            cellID: "hello", status: .failed, detail: "exit 3, expected success", termination: .exited(3),
            output: Self.output(stdout: Array("one\nthree\n".utf8)))
        result.mismatches = OutputCheck.mismatches(of: lesson.cells[0], output: result.output)
        let html = try Self.render(markdown, ["hello": result])
        #expect(html.contains("<span class=\"badge status-failed\">failed</span>"))
        #expect(html.contains("<div class=\"cell-detail\">exit 3, expected success</div>"))
        #expect(html.contains("<span class=\"diff-hunk\">@@ lesson.md:5 @@</span>\n"
            + "<span class=\"diff-same\">  one</span>\n<del>- two</del>\n<ins>+ three</ins>\n"))
        #expect(html.contains("<span class=\"cell-exit\">exit 3</span>"))
    }

    @Test func theSummaryCountsCellsAndNamesTheEnvironment() throws {
        let html = try Self.render(
            "```swift demo=hello\n```\n\n```swift demo=echo\n```\n\n```swift demo=crash skip\n```\n",
            ["echo": CellResult(cellID: "echo", status: .timedOut, termination: .signaled(.kill))])
        #expect(html.contains("1 of 3 cells passed, 1 failed, 1 skipped"))
        #expect(html.contains(
            "<span>Swift 6.3</span><span>Linux x86_64, 2 cores</span><span>2026-01-02 03:04 UTC</span>"))
        #expect(html.contains("<span class=\"badge status-timed-out\">timed out</span>"))
    }

    @Test func aCustomTemplateReplacesThePage() throws {
        let template = try ReportTemplate(
            source: "{{title}}|{{summary.passed}}/{{summary.total}}|{{#toc}}{{id}} {{/toc}}")
        let html = try Self.render(
            "# A `<tag>` & title\n\n```swift demo=hello\n```\n",
            report: HTMLReport(template: template, environment: Self.environment))
        #expect(html == "A &lt;tag&gt; &amp; title|1/1|a-tag--title ")
        #expect(throws: ReportTemplateError.self) { try ReportTemplate(source: "{{#open}}") }
    }

    @Test func theBuiltInTemplatesAreTheTemplateFiles() throws {
        #expect(ReportTemplate.lesson.source == (try Self.read(Self.templates.appending("lesson.mustache"))))
        #expect(ReportTemplate.index.source == (try Self.read(Self.templates.appending("index.mustache"))))
    }

    /// The fixture lesson with fixed results against `report.html`. Re-record with
    /// `LESSONRUNNER_RECORD_SNAPSHOTS=1 swift test --filter HTMLReport`.
    @Test func snapshotOfTheFixtureLesson() throws {
        let markdown = Array(try Self.read(Self.fixtures.appending("report.md")).utf8)
        var failed = CellResult(
            cellID: "fails", status: .failed, detail: "exit 3, expected success", termination: .exited(3),
            output: Self.output(stdout: Array("one\n\u{1B}[1;32mthree\u{1B}[0m\n".utf8), stderr: [0x77, 0xFF, 0x0A]),
            duration: .microseconds(1850))
        failed.output.stdout.droppedByteCount = 4096
        let results = [
            "hello": CellResult(
                cellID: "hello", status: .passed, termination: .exited(0),
                output: Self.output(stdout: Array("Hello, world! <b>\n".utf8)), duration: .microseconds(2125)),
            "fails": failed,
            "crash": CellResult(
                cellID: "crash", status: .error, detail: "killed by SIGILL, expected success",
                termination: .signaled(.illegalInstruction), output: Self.output(stderr: Array("Fatal error\n".utf8)),
                duration: .milliseconds(31), strayProcessesEnded: 1),
        ]
        let run = try Self.run(markdown, results)
        let html = String(decoding: HTMLReport(environment: Self.environment).render(run), as: UTF8.self)
        let snapshot = Self.fixtures.appending("report.html")
        if getenv("LESSONRUNNER_RECORD_SNAPSHOTS") != nil {
            try Self.write(html, to: snapshot)
        }
        let recorded = try Self.read(snapshot)
        #expect(html == recorded, "re-record with LESSONRUNNER_RECORD_SNAPSHOTS=1 if the change is intended")
    }

    static func read(_ path: FilePath) throws -> String {
        let descriptor = try FileDescriptor.open(path, .readOnly)
        return try descriptor.closeAfter {
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = try buffer.withUnsafeMutableBytes { try descriptor.read(into: $0) }
                if count == 0 { return String(decoding: bytes, as: UTF8.self) }
                bytes += buffer[..<count]
            }
        }
    }

    static func write(_ text: String, to path: FilePath) throws {
        let descriptor = try FileDescriptor.open(
            path, .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite, .groupRead, .otherRead])
        try descriptor.closeAfter { _ = try descriptor.writeAll(Array(text.utf8)) }
    }
}
