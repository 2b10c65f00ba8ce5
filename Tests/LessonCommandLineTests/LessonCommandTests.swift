import LessonTestSupport
import SystemPackage
import Testing

/// End to end: the built `lesson-fixtures` executable on fixture lessons, output and exit code compared.
@Suite("lesson command line")
struct LessonCommandTests {
    static let fixtures = FilePath(#filePath).removingLastComponent().appending("Fixtures")

    func lesson(_ arguments: String...) throws -> CommandRun {
        try CommandRun.run(BuiltExecutables.fixtures, arguments, in: Self.fixtures)
    }

    @Test func listShowsEachCellWithItsLocationAndOptions() throws {
        let run = try lesson("list", "tour.md")
        #expect(run.exitCode == 0)
        #expect(run.standardOutput == """
            tour.md:5:1   hello-lines  demo=hello-lines timeout=30s args=2
            tour.md:17:1  warns        demo=stderr-exit timeout=30s expect=exit:3
            tour.md:20:3  echo-args    demo=echo-args timeout=30s args="'two words' x"

            """)
    }

    @Test func runStreamsTheOutputOfOneCell() throws {
        let run = try lesson("run", "tour.md", "--cell", "hello-lines")
        #expect(run.exitCode == 1, "tour.md's output block for this cell is stale on purpose")
        #expect(run.standardOutput.contains(
            "Hello from a child process!\nline 1 of 2\nline 2 of 2\n✗ failed: stdout does not match the `output` block at tour.md:10 · "))
        #expect(run.standardOutput.contains("1 cell in 1 lesson: 1 failed ("))
        #expect(!run.standardOutput.contains("warns"), "only the selected cell runs")
    }

    @Test func argumentsAfterTheTerminatorReplaceTheCellsArgs() throws {
        let run = try lesson("run", "tour.md", "--cell", "echo-args", "--", "one", "two three")
        #expect(run.exitCode == 0)
        #expect(run.standardOutput.contains("[one]\n[two three]\n"))
    }

    @Test func runSendsTheCellsStderrToStderr() throws {
        let run = try lesson("run", "tour.md", "--cell", "warns")
        #expect(run.exitCode == 0, "exit 3 is what the cell expects")
        #expect(run.standardError == "warning: the input is empty\n")
        #expect(run.standardOutput.contains("checking the input...\n"))
    }

    @Test func aFailingCellMakesTheExitCodeOneAndTheRunGoesOn() throws {
        let run = try lesson("run", "failing.md")
        #expect(run.exitCode == 1)
        #expect(run.standardOutput.contains("✗ error: exit 5, expected success"))
        #expect(run.standardOutput.contains("Hello from a child process!"), "the next cell still runs")
        #expect(run.standardOutput.contains("2 cells in 1 lesson: 1 passed, 1 error ("))
    }

    @Test func everyLessonErrorIsReportedWithItsLocationAndExitCodeTwo() throws {
        let run = try lesson("list", "broken.md")
        #expect(run.exitCode == 2)
        let lines = run.standardError.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(lines)")
        #expect(lines.allSatisfy { $0.hasPrefix("broken.md:") && $0.contains(": error: ") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("broken.md:3:10: error: ") && $0.contains("hello-lines") })
        #expect(lines.contains { $0.hasPrefix("broken.md:6:25: error: ") && $0.contains("timeout") })
        #expect(lines.contains { $0.hasPrefix("broken.md:6:36: error: ") && $0.contains("colour") })
        #expect(lines.contains { $0.hasPrefix("broken.md:11:1: error: ") && $0.contains("output") })
        #expect(run.standardOutput.isEmpty)
    }

    @Test func anUnknownCellIsAUsageErrorThatListsTheCells() throws {
        let run = try lesson("run", "tour.md", "--cell", "nope")
        #expect(run.exitCode == 2)
        #expect(run.standardError.contains("no cell with id 'nope' in tour.md; its cells are: hello-lines, warns, echo-args"))
    }

    @Test func usageErrorsExitWithTwo() throws {
        #expect(try lesson("render").exitCode == 2)
        #expect(try lesson("frobnicate").exitCode == 2)
        #expect(try lesson("render", "tour.md", "--format", "pdf").exitCode == 2)
        let missing = try lesson("list", "no-such-lesson.md")
        #expect(missing.exitCode == 2)
        #expect(missing.standardError.hasPrefix("no-such-lesson.md:1:1: error: cannot read"))
    }

    @Test func renderWritesAReportThatKeepsTheAuthorsBytes() throws {
        let folder = try TemporaryFolder()
        let reportPath = folder.path.appending("tour.report.md").string
        let run = try lesson("render", "tour.md", "--format", "markdown", "-o", reportPath)
        #expect(run.exitCode == 1, "the stale output block of hello-lines fails: \(run.standardError)")
        let report = String(decoding: try TemporaryFile.read(reportPath), as: UTF8.self)
        let normalized = Self.normalizingDurations(report)
        #expect(normalized == """
            # A tour

            Some *prose* that   the report   keeps as written.

            ```swift demo=hello-lines args="2"
            print("hi")
            ```

            ```output
            Hello from a child process!
            line 1 of 2
            line 2 of 2
            ```

            *failed: stdout does not match the \\`output\\` block at tour.md:10 · DURATION*

            | a | table |
            |---|-------|
            | 1 | 2     |

            ```swift demo=stderr-exit id=warns expect=exit:3
            ```

            ```output
            checking the input...
            ```

            ```stderr
            warning: the input is empty
            ```

            *passed · exit 3 · DURATION*

            > ```swift demo=echo-args args="'two words' x"
            > ```
            >
            > ```output
            > [two words]
            > [x]
            > ```
            >
            > *passed · exit 0 · DURATION*

            """)
    }

    @Test func renderOfAFolderMirrorsItsLayout() throws {
        let folder = try TemporaryFolder()
        let run = try lesson("render", "course", "-o", folder.path.string)
        #expect(run.exitCode == 0, "\(run.standardError)")
        let intro = String(decoding: try TemporaryFile.read(folder.path.appending("intro.md").string), as: UTF8.self)
        let more = String(
            decoding: try TemporaryFile.read(folder.path.appending("part-two/more.md").string), as: UTF8.self)
        #expect(intro.contains("```output\nHello from a child process!\nline 1 of 1\n```"))
        #expect(more.contains("```output\n[a]\n[b]\n```"))
        #expect(run.standardError.contains("2 cells in 2 lessons: 2 passed ("))
    }

    @Test func renderToStandardOutputAndExitCodeOfAFailure() throws {
        let run = try lesson("render", "failing.md")
        #expect(run.exitCode == 1)
        #expect(run.standardOutput.hasPrefix("# Failing\n\n```swift demo=exit-with args=\"5\"\n```\n\n*error: exit 5"))
        #expect(run.standardError.contains("failing.md:3:1: exit-with: error: exit 5, expected success"))
    }

    @Test func renderHTMLOfAFolderWritesAPagePerLessonAndAnIndex() throws {
        let folder = try TemporaryFolder()
        let run = try lesson("render", "course", "--format", "html", "-o", folder.path.string)
        #expect(run.exitCode == 0, "\(run.standardError)")
        let read = { (path: String) in
            String(decoding: try TemporaryFile.read(folder.path.appending(path).string), as: UTF8.self)
        }
        let intro = try read("intro.html")
        #expect(intro.hasPrefix("<!DOCTYPE html>"))
        #expect(intro.contains("<section class=\"cell status-passed\" id=\"cell-hello-lines\">"))
        #expect(intro.contains("<a href=\"index.html\">"))
        let more = try read("part-two/more.html")
        #expect(more.contains("<a href=\"../index.html\">"))
        // Each page links the lessons before and after it, in the order rendered, at its top and bottom.
        let next = "<a class=\"nav-next\" rel=\"next\" href=\"part-two/more.html\">"
            + "<span class=\"nav-label\">Next →</span><span class=\"nav-title\">More</span></a>"
        #expect(intro.ranges(of: next).count == 2, "the intro links the next lesson twice")
        #expect(!intro.contains("rel=\"prev\""))
        let previous = "<a class=\"nav-previous\" rel=\"prev\" href=\"../intro.html\">"
            + "<span class=\"nav-label\">← Previous</span><span class=\"nav-title\">Intro</span></a>"
        #expect(more.ranges(of: previous).count == 2, "the last lesson links the previous one twice")
        #expect(!more.contains("rel=\"next\""))
        #expect(more.contains("<a class=\"nav-index\" href=\"../index.html\">All lessons</a>"))
        let index = try read("index.html")
        #expect(index.contains("href=\"intro.html\"") && index.contains("href=\"part-two/more.html\""))
        #expect(index.contains("2 of 2 cells passed"))
    }

    @Test func renderHTMLWithACustomTemplateAndItsErrors() throws {
        let folder = try TemporaryFolder()
        let template = folder.path.appending("page.mustache")
        let file = try FileDescriptor.open(template, .writeOnly, options: [.create], permissions: .ownerReadWrite)
        try file.closeAfter { _ = try file.writeAll(Array("{{title}}: {{summary.passed}}/{{summary.total}}\n".utf8)) }
        let run = try lesson("render", "failing.md", "--format", "html", "--template", template.string)
        #expect(run.exitCode == 1)
        #expect(run.standardOutput == "Failing: 1/2\n")
        let missing = try lesson("render", "failing.md", "--format", "html", "--template", "no-such.mustache")
        #expect(missing.exitCode == 2)
        #expect(missing.standardError.contains("cannot read no-such.mustache"))
        #expect(try lesson("render", "failing.md", "--allow-raw-html").exitCode == 2, "HTML options need --format html")
    }

    @Test func demosListsTheRegistry() throws {
        let run = try lesson("demos")
        #expect(run.exitCode == 0)
        #expect(run.standardOutput.contains("hello-lines "))
        #expect(run.standardOutput.contains("grandchild "))
    }

    /// Replaces the durations in status lines, which vary from run to run.
    static func normalizingDurations(_ text: String) -> String {
        text.replacing(/· [0-9.]+ (µs|ms|s)\*/) { _ in "· DURATION*" }
    }
}
