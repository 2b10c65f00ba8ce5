import LessonRunner
import LessonTestSupport
import SystemPackage
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The HTML report in live mode (the page `lesson serve` serves), its cell sections, `live.js`, and the links to
/// the previous and next lessons that static and live pages share.
@Suite("HTMLReport live page")
struct HTMLReportLivePageTests {
    static let live = LivePage(
        lessonKey: "part one/lesson.md", usage: ["echo": "USAGE: echo <words> ... & \"more\""])
    static let report = HTMLReport(environment: HTMLReportTests.environment)

    static let markdown = """
        # Live

        ```swift demo=hello
        print("hi")
        ```

        ```output
        hi <script>alert(1)</script>
        ```

        ```stderr
        a warning & more
        ```

        ```swift demo=echo id=words args="'two words' x"
        ```

        """

    static func page(_ results: [String: CellResult] = [:], live: LivePage? = live) throws -> String {
        let run = try HTMLReportTests.run(Array(markdown.utf8), results).withOnly(Array(results.keys))
        return String(decoding: report.render(run, live: live), as: UTF8.self)
    }

    static func lesson() throws -> Lesson {
        try LessonParser(demos: HTMLReportTests.demos).parse(Array(markdown.utf8), path: "lesson.md")
    }

    @Test func theLivePageLoadsTheScriptAndNamesItsLessonAndEvents() throws {
        let html = try Self.page()
        #expect(html.contains("<title>Live</title>\n<script src=\"/live.js\" defer></script>\n<style>"))
        #expect(html.contains(
            "<body data-lesson=\"part one/lesson.md\" data-events=\"/events?lesson=part%20one/lesson.md\">"))
        #expect(html.contains(
            "<div class=\"live-controls\"><button type=\"button\" class=\"run-all\">Run all</button>"
                + "<span class=\"live-status\" role=\"status\">connecting…</span></div>"))
        #expect(html.contains("<div class=\"counts\">0 of 2 cells passed, 2 not run</div>"))
        #expect(html.contains("<section class=\"cell status-not-run\" id=\"cell-hello\" data-cell=\"hello\">"))
        #expect(html.contains("<section class=\"cell status-not-run\" id=\"cell-words\" data-cell=\"words\">"))
    }

    static func index(_ results: [String: CellResult]) throws -> String {
        let run = try HTMLReportTests.run(Array(markdown.utf8), results).withOnly(Array(results.keys))
        let index = HTMLIndex(environment: HTMLReportTests.environment)
        return String(decoding: index.render([run], hrefs: ["/lessons/lesson.md"]), as: UTF8.self)
    }

    static func stopped(_ cell: String) -> CellResult {
        var result = CellResult(cellID: cell, status: .stopped, termination: .signaled(.kill))
        result.detail = "stopped"
        return result
    }

    @Test func aStoppedCellIsCountedAsStoppedNotAsFailed() throws {
        let html = try Self.page(["hello": Self.stopped("hello")])
        #expect(html.contains("<div class=\"counts\">0 of 2 cells passed, 1 stopped, 1 not run</div>"))
        #expect(html.contains("<span class=\"badge status-stopped\">1 stopped</span>"))
        #expect(!html.contains("1 failed"))
        let index = try Self.index(["hello": Self.stopped("hello")])
        #expect(index.contains("0 of 2 cells passed, 1 stopped, 1 not run</div>"))
        #expect(index.contains("<span class=\"lesson-counts\">0/2 passed · 1 stopped · 1 not run · "))
        #expect(index.contains("<li class=\"status-not-run\">"), "neither passed nor failed")
        #expect(!index.contains("1 failed") && !index.contains("0 failed"))
        let failedToo = try Self.index([
            "hello": Self.stopped("hello"),
            "words": CellResult(cellID: "words", status: .error, termination: .exited(3)),
        ])
        #expect(failedToo.contains("<span class=\"lesson-counts\">0/2 passed · 1 failed"))
        #expect(failedToo.contains("<li class=\"status-failed\">"))
    }

    @Test func theIndexCountsEveryCellOfALessonAndMarksOneNotFullyRunNeutral() throws {
        let fresh = try Self.index([:])
        #expect(fresh.contains("<div class=\"counts\">0 of 2 cells passed, 2 not run</div>"))
        #expect(fresh.contains("<span class=\"lesson-counts\">0/2 passed · 2 not run · "))
        #expect(fresh.contains("<li class=\"status-not-run\">"), "nothing ran: not green")
        let one = try Self.index([
            "hello": CellResult(cellID: "hello", status: .passed, termination: .exited(0), duration: .milliseconds(2)),
        ])
        #expect(one.contains("<span class=\"lesson-counts\">1/2 passed · 1 not run · "))
        #expect(one.contains("<li class=\"status-not-run\">"))
        let all = try Self.index([
            "hello": CellResult(cellID: "hello", status: .passed, termination: .exited(0)),
            "words": CellResult(cellID: "words", status: .passed, termination: .exited(0)),
        ])
        #expect(all.contains("<span class=\"lesson-counts\">2/2 passed · "))
        #expect(all.contains("<li class=\"status-passed\">"))
    }

    @Test func onlyADemoWithUsageGetsAnArgumentsFieldHoldingItsArgsAsWritten() throws {
        let html = try Self.page()
        #expect(html.ranges(of: "<input class=\"cell-args\"").count == 1, "hello takes no parameters")
        #expect(html.contains(
            "<input class=\"cell-args\" type=\"text\" value=\"&#39;two words&#39; x\" "
                + "title=\"USAGE: echo &lt;words&gt; ... &amp; &quot;more&quot;\" aria-label=\"Arguments of words\""))
        #expect(html.ranges(of: "<button type=\"button\" class=\"cell-run\">Run</button> "
            + "<button type=\"button\" class=\"cell-stop\" hidden>Stop</button></span></header>").count == 2)
    }

    @Test func aCellThatHasNotRunShowsItsExpectedBlocksAsText() throws {
        let html = try Self.page()
        #expect(html.contains(
            "<div class=\"cell-output\">\n<figure class=\"stream stream-stdout expected\"><figcaption>stdout · "
                + "expected, not yet run</figcaption><pre>hi &lt;script&gt;alert(1)&lt;/script&gt;\n</pre></figure>\n"
                + "<figure class=\"stream stream-stderr expected\"><figcaption>stderr · expected, not yet run"
                + "</figcaption><pre>a warning &amp; more\n</pre></figure>\n</div>\n</section>"))
        #expect(!html.contains("<script>alert"))
        #expect(html.contains("<span class=\"badge status-not-run\">not run</span>"))
    }

    @Test func aFinishedCellShowsItsResultInTheOutputArea() throws {
        var output = CapturedOutput()
        output.stdout = CapturedStream(bytes: Array("hi <b>\n".utf8))
        let html = try Self.page(["hello": CellResult(cellID: "hello", status: .passed, output: output)])
        #expect(html.contains(
            "<div class=\"cell-output\">\n<figure class=\"stream stream-stdout\"><figcaption>stdout</figcaption>"
                + "<pre>hi &lt;b&gt;\n</pre></figure>\n</div>\n</section>"))
        #expect(!html.contains("a warning &amp; more"), "the expected blocks give way to the result")
    }

    @Test func cellSectionIsTheSectionThePageHolds() throws {
        var output = CapturedOutput()
        output.stderr = CapturedStream(bytes: Array("oops\n".utf8))
        let results = ["hello": CellResult(cellID: "hello", status: .failed, detail: "stdout differs", output: output)]
        // The run gives the failed cell the output check's diffs, which its section shows.
        let run = try HTMLReportTests.run(Array(Self.markdown.utf8), results).withOnly(["hello"])
        let html = String(decoding: Self.report.render(run, live: Self.live), as: UTF8.self)
        #expect(html.contains("<figure class=\"diff\">"))
        for cell in run.lesson.cells {
            let section = Self.report.cellSection(for: cell, result: run.result(for: cell.id), live: Self.live)
            #expect(section.hasPrefix("<section ") && section.hasSuffix("</section>"))
            #expect(html.contains(section + "\n"), "cell \(cell.id)")
        }
    }

    @Test func queuedAndRunningCellsShowTheirStateStopAndAnEmptyLiveOutput() throws {
        let cell = try Self.lesson().cells[1]
        for (state, status) in [(LivePage.CellState.queued, "queued"), (.running, "running")] {
            let section = Self.report.cellSection(for: cell, state: state, live: Self.live)
            #expect(section.hasPrefix(
                "<section class=\"cell status-\(status)\" id=\"cell-words\" data-cell=\"words\">"))
            #expect(section.contains("<span class=\"badge status-\(status)\">\(status)</span>"))
            #expect(section.contains("<button type=\"button\" class=\"cell-stop\">Stop</button>"))
            #expect(section.hasSuffix(
                "<div class=\"cell-output\">\n<pre class=\"live-output\"></pre>\n</div>\n</section>"))
        }
    }

    @Test func theStaticPageHasNoLivePartsAndNoNavigationWithoutLinks() throws {
        let html = try Self.page(live: nil)
        for live in ["data-cell", "<script", "cell-output", "cell-controls\"", "live-controls\"", "data-events",
            "lesson-nav\"", "expected, not yet run"]
        {
            #expect(!html.contains(live), "\(live)")
        }
        #expect(html.contains("<body>\n<div class=\"page\">"))
        #expect(html.contains("<title>Live</title>\n<style>"))
    }

    @Test func pagesLinkThePreviousAndNextLessonAndTheIndex() throws {
        let navigation = LessonNavigation(
            previous: .init(href: "00-intro.html", title: "Intro <1>"),
            next: .init(href: "02-more.html", title: "More"))
        let run = try HTMLReportTests.run(Array(Self.markdown.utf8))
        for live in [nil, Self.live] {
            let html = String(
                decoding: Self.report.render(run, indexHref: "index.html", navigation: navigation, live: live),
                as: UTF8.self)
            let previous = "<a class=\"nav-previous\" rel=\"prev\" href=\"00-intro.html\"><span class=\"nav-label\">"
                + "← Previous</span><span class=\"nav-title\">Intro &lt;1&gt;</span></a>"
            let next = "<a class=\"nav-next\" rel=\"next\" href=\"02-more.html\"><span class=\"nav-label\">Next →"
                + "</span><span class=\"nav-title\">More</span></a>"
            #expect(html.contains("<nav class=\"lesson-nav lesson-nav-top\" aria-label=\"Lessons\">\n" + previous
                + "\n<a class=\"nav-index\" href=\"index.html\">All lessons</a>\n" + next + "\n</nav>"))
            #expect(html.ranges(of: previous).count == 2 && html.ranges(of: next).count == 2, "top and bottom")
            #expect(html.contains("<nav class=\"lesson-nav lesson-nav-bottom\""))
        }
        let first = String(
            decoding: Self.report.render(run, navigation: LessonNavigation(next: navigation.next)), as: UTF8.self)
        #expect(first.contains(
            "<span class=\"nav-previous\"></span>\n<span class=\"nav-index\"></span>\n<a class=\"nav-next\""))
    }

    @Test func theScriptIsTheTemplateFile() throws {
        let file = try HTMLReportTests.read(HTMLReportTests.templates.appending("live.js"))
        #expect(String(decoding: LivePage.liveScript, as: UTF8.self) == file)
    }

    /// `live.js` must never parse output text as HTML: the only HTML it inserts is the `html` of a `finished` event,
    /// the section the server rendered with ``HTMLReport/cellSection(for:result:live:)``.
    @Test func theScriptInsertsHTMLOnlyFromTheServersFinishedSection() throws {
        let script = String(decoding: LivePage.liveScript, as: UTF8.self)
        let code = script.split(separator: "\n").filter { !$0.trimmingPrefix(while: \.isWhitespace).hasPrefix("//") }
        let htmlSinks = [
            "innerHTML", "outerHTML", "insertAdjacentHTML", "createContextualFragment", "parseFromString",
            "document.write", "srcdoc",
        ]
        let sinks = code.filter { line in htmlSinks.contains { line.contains($0) } }
        #expect(sinks.map { $0.trimmingPrefix(while: \.isWhitespace) } == ["old.outerHTML = data.html;"])
        #expect(!script.contains("innerHTML"))
        #expect(script.contains("textContent"))
        #expect(!script.contains("eval(") && !script.contains("new Function"))
        #expect(!script.contains("http://") && !script.contains("https://"), "nothing is fetched from elsewhere")
    }
}

/// The course's first lesson as a live page, parsed against the built demo host's catalog.
@Suite("HTMLReport live page of the course")
struct HTMLReportCourseLivePageTests {
    static let packageRoot = FilePath(#filePath).removingLastComponent().removingLastComponent()
        .removingLastComponent().removingLastComponent()

    /// Every cell has its live section; with `LESSONRUNNER_LIVE_PREVIEW=FOLDER` the page is also written to
    /// `FOLDER/live-page.html`, loading `live.js` from the source tree, to look at in a browser.
    @Test func everyCellOfTheLessonHasItsLiveSection() throws {
        let catalog = try DemoHostExecutable.query(BuiltExecutables.demoHost)
        let path = Self.packageRoot.appending("Lessons/01-multiprocessing.md")
        let source = Array(try HTMLReportTests.read(path).utf8)
        let lesson = try LessonParser(demos: catalog).parse(source, path: "Lessons/01-multiprocessing.md")
        let scriptPath = Self.packageRoot.appending("Sources/LessonRunner/Rendering/Templates/live.js")
        let preview = getenv("LESSONRUNNER_LIVE_PREVIEW").map { String(cString: $0) }
        let live = LivePage(
            lessonKey: "01-multiprocessing.md", scriptHref: preview == nil ? "/live.js" : "file://" + scriptPath.string,
            usage: LivePage.usage(of: catalog))
        #expect(!live.usage.isEmpty, "some demos of the course take parameters")
        var output = CapturedOutput()
        output.stdout = CapturedStream(bytes: Array((lesson.cells.first?.expectedOutput?.text ?? "").utf8))
        let first = lesson.cells[0]
        let results = [
            CellResult(cellID: first.id, status: .passed, termination: .exited(0), output: output,
                duration: .milliseconds(12))
        ]
        let run = LessonRunResult(lesson: lesson, results: results, duration: .milliseconds(12))
        let report = HTMLReport(environment: HTMLReportTests.environment)
        let navigation = LessonNavigation(
            previous: .init(href: "/lessons/00-how-lessons-run.md", title: "How lessons run"))
        let html = String(
            decoding: report.render(run, indexHref: "/", navigation: navigation, live: live), as: UTF8.self)
        for cell in lesson.cells {
            let section = report.cellSection(for: cell, result: run.result(for: cell.id), live: live)
            #expect(html.contains(section + "\n"), "cell \(cell.id)")
            #expect(section.contains("<input class=\"cell-args\"") == (live.usage[cell.demo] != nil), "\(cell.id)")
        }
        if let preview {
            try HTMLReportTests.write(html, to: FilePath(preview).appending("live-page.html"))
        }
    }
}

extension LessonRunResult {
    /// The run with only these cells' results, as a live page has before the other cells run.
    fileprivate func withOnly(_ cellIDs: [String]) -> LessonRunResult {
        LessonRunResult(lesson: lesson, results: results.filter { cellIDs.contains($0.cellID) }, duration: duration)
    }
}
