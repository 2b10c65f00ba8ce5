import LessonRunner
import Multiprocessing
import Testing

@Suite("MarkdownReport")
struct MarkdownReportTests {
    static let demos = DemoRegistry(["hello", "other"].map { Demo($0, summary: "") { _ in 0 } })

    /// Renders `markdown` as if each cell (by id) had printed the given stdout and stderr and exited 0 in 2 ms.
    func render(
        _ markdown: String, _ outputs: [String: (stdout: String, stderr: String)],
        status: CellStatus = .passed
    ) throws -> String {
        let lesson = try LessonParser(demos: Self.demos).parse(Array(markdown.utf8), path: "lesson.md")
        let results = lesson.cells.map { cell in
            var output = CapturedOutput()
            let printed = outputs[cell.id] ?? ("", "")
            output.stdout = CapturedStream(bytes: Array(printed.stdout.utf8))
            output.stderr = CapturedStream(bytes: Array(printed.stderr.utf8))
            return CellResult(
                cellID: cell.id, status: status, termination: .exited(0), output: output,
                duration: .milliseconds(2))
        }
        let run = LessonRunResult(lesson: lesson, results: results, duration: .milliseconds(2))
        return String(decoding: MarkdownReport().render(run), as: UTF8.self)
    }

    @Test func replacesTheExpectedOutputAndKeepsEverythingElse() throws {
        let lesson = """
            # Title   with  odd   spacing
            *  a list item written loosely
            ```swift demo=hello
            print("hi")
            ```

            ```output
            stale
            ```
            Trailing   text.
            """
        let report = try render(lesson, ["hello": ("fresh\n", "")])
        #expect(report == """
            # Title   with  odd   spacing
            *  a list item written loosely
            ```swift demo=hello
            print("hi")
            ```

            ```output
            fresh
            ```

            *passed · exit 0 · 2 ms*

            Trailing   text.
            """)
    }

    @Test func insertsOutputAndStderrBlocksWhereTheLessonHasNone() throws {
        let report = try render("Intro\n\n```swift demo=hello\n```\n\nAfter\n", ["hello": ("out\n", "err\n")])
        #expect(report == """
            Intro

            ```swift demo=hello
            ```

            ```output
            out
            ```

            ```stderr
            err
            ```

            *passed · exit 0 · 2 ms*

            After

            """)
    }

    @Test func emptiesAnExpectedBlockWhenTheCellPrintedNothing() throws {
        let report = try render("```swift demo=hello\n```\n```output\nold\n```\n", [:])
        #expect(report == "```swift demo=hello\n```\n```output\n```\n\n*passed · exit 0 · 2 ms*\n")
    }

    @Test func keepsTheContainerPrefixInBlockQuotesAndLists() throws {
        let quoted = try render("> ```swift demo=hello\n> ```\n> ```output\n> old\n> ```\n", ["hello": ("a\n\nb\n", "")])
        #expect(quoted == "> ```swift demo=hello\n> ```\n> ```output\n> a\n>\n> b\n> ```\n>\n> *passed · exit 0 · 2 ms*\n")

        let listed = try render("- step one\n\n  ```swift demo=hello\n  ```\n- step two\n", ["hello": ("x\n", "")])
        #expect(listed == """
            - step one

              ```swift demo=hello
              ```

              ```output
              x
              ```

              *passed · exit 0 · 2 ms*

            - step two

            """)
    }

    @Test func usesTheFilesCRLFLineEndings() throws {
        let report = try render("```swift demo=hello\r\n```\r\n\r\nText\r\n", ["hello": ("one\ntwo\n", "")])
        #expect(report == "```swift demo=hello\r\n```\r\n\r\n```output\r\none\r\ntwo\r\n```\r\n\r\n"
            + "*passed · exit 0 · 2 ms*\r\n\r\nText\r\n")
    }

    @Test func handlesAMissingFinalNewline() throws {
        let report = try render("```swift demo=hello\n```", ["hello": ("x", "")])
        #expect(report == "```swift demo=hello\n```\n\n```output\nx\n```\n\n*passed · exit 0 · 2 ms*\n")
    }

    @Test func choosesAFenceTheOutputCannotClose() throws {
        let report = try render("```swift demo=hello\n```\n", ["hello": ("```\n````\n", "")])
        #expect(report.contains("\n`````output\n```\n````\n`````\n"))
    }

    @Test func keepsATildeFenceAndTheInfoWordsOfAnExpectedBlock() throws {
        let report = try render("```swift demo=hello\n```\n~~~~output unordered\nold\n~~~~\n", ["hello": ("new\n", "")])
        #expect(report.hasPrefix("```swift demo=hello\n```\n~~~output unordered\nnew\n~~~\n"))
    }

    @Test func stripsTerminalEscapesAndShowsControlCharacters() throws {
        let report = try render("```swift demo=hello\n```\n", ["hello": ("\u{1B}[31mred\u{1B}[0m\ttab\u{7}\r\nnext\n", "")])
        #expect(report.contains("```output\nred\ttab\u{2407}\nnext\n```"))
    }

    @Test func leavesASkippedCellsBlocksAsWritten() throws {
        let lesson = "```swift demo=hello skip\n```\n```output\nkept\n```\n"
        let report = try render(lesson, [:], status: .skipped)
        #expect(report == lesson + "\n*skipped*\n")
    }

    @Test func rendersEachCellOfALesson() throws {
        let lesson = "```swift demo=hello\n```\n\n```swift demo=other\n```\n```stderr\nold\n```\n"
        let report = try render(lesson, ["hello": ("1\n", ""), "other": ("2\n", "e\n")])
        #expect(report == """
            ```swift demo=hello
            ```

            ```output
            1
            ```

            *passed · exit 0 · 2 ms*

            ```swift demo=other
            ```
            ```stderr
            e
            ```

            ```output
            2
            ```

            *passed · exit 0 · 2 ms*

            """)
    }
}

@Suite("StatusLine")
struct StatusLineTests {
    @Test func describesEachStatus() {
        let cases: [(CellResult, String)] = [
            (CellResult(cellID: "a", status: .passed, termination: .exited(0), duration: .microseconds(1500)),
             "passed · exit 0 · 1.5 ms"),
            (CellResult(cellID: "a", status: .error, detail: "exit 3, expected success", termination: .exited(3),
                        duration: .milliseconds(12)), "error: exit 3, expected success · 12 ms"),
            (CellResult(cellID: "a", status: .failed,
                        detail: "stdout does not match the `output` block at a.md:7", termination: .exited(0),
                        duration: .milliseconds(3)), "failed: stdout does not match the `output` block at a.md:7 · 3 ms"),
            (CellResult(cellID: "a", status: .error, detail: "killed by SIGILL, expected success",
                        termination: .signaled(.illegalInstruction), duration: .milliseconds(250)),
             "error: killed by SIGILL, expected success · 250 ms"),
            (CellResult(cellID: "a", status: .timedOut, detail: "ran past its 1 s timeout and was stopped",
                        duration: .milliseconds(1520)), "timed out: ran past its 1 s timeout and was stopped · 1.52 s"),
            (CellResult(cellID: "a", status: .skipped), "skipped"),
        ]
        for (result, text) in cases {
            #expect(StatusLine.text(for: result) == text)
        }
    }

    @Test func durationsReadWell() {
        #expect(DurationFormat.short(.microseconds(850)) == "850 µs")
        #expect(DurationFormat.short(.microseconds(4210)) == "4.2 ms")
        #expect(DurationFormat.short(.milliseconds(321)) == "321 ms")
        #expect(DurationFormat.short(.milliseconds(12_340)) == "12.3 s")
        #expect(DurationFormat.short(.seconds(125)) == "2 min 5 s")
    }
}
