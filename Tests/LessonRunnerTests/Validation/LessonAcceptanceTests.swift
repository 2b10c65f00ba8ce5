import LessonRunner
import Testing

/// `accept` rewrites only the lines of expected blocks that no longer match, and nothing else in the file.
@Suite("LessonAcceptance")
struct LessonAcceptanceTests {
    typealias Support = ValidationTestSupport

    /// Accepts `markdown` as if each cell (by id) printed the given stdout and stderr.
    func accept(_ markdown: String, _ outputs: [String: (stdout: String, stderr: String)]) throws -> LessonAcceptance {
        let lesson = try Support.lesson(markdown)
        let results = lesson.cells.map { cell in
            let printed = outputs[cell.id] ?? ("", "")
            return Support.result(cell.id, stdout: printed.stdout, stderr: printed.stderr)
        }
        return LessonAcceptance(LessonRunResult(lesson: lesson, results: results, duration: .zero))
    }

    func accepted(_ markdown: String, _ outputs: [String: (stdout: String, stderr: String)]) throws -> String {
        String(decoding: try accept(markdown, outputs).source, as: UTF8.self)
    }

    /// Real-world Markdown around the cells: every byte outside the replaced block content must survive.
    static let realWorld = """
        # Lesson — *ünïcödé* 🚀 and `code`\r
        \r
        | Column | Another |\r
        |:------:|--------:|\r
        | π ≈ 3.14 | **bold** |\r
        \r
        1. First item\r
           - nested item with trailing spaces   \r
             * deeper item\r
        \r
           ````swift demo=hello\r
           print("in a list")\r
           ````\r
        \r
           ````output\r
           stale line\r
           ````\r
        \r
        <div align="center">\r
          <img src="x.png" alt="an HTML block">\r
        </div>\r
        \r
        > Quoted prose.\r
        >\r
        > ~~~~~swift demo=other\r
        > ~~~~~\r
        > ~~~~~output\r
        > kept line\r
        > old tail\r
        > ~~~~~\r
        \r
        Last line without a newline: 日本語
        """

    @Test func keepsEveryOtherByteOfRealWorldMarkdown() throws {
        let result = try accepted(
            Self.realWorld, ["hello": ("fresh line\n", ""), "other": ("kept line\nnew tail\n", "")])
        let expected = Self.realWorld
            .replacing("   ````output\r\n   stale line\r\n   ````", with: "   ````output\r\n   fresh line\r\n   ````")
            .replacing("> kept line\r\n> old tail\r\n", with: "> kept line\r\n> new tail\r\n")
        #expect(result == expected)
        #expect(Array(result.utf8).count == Array(expected.utf8).count)
        #expect(!result.hasSuffix("\n"), "the missing final newline stays missing")
    }

    @Test func leavesAFileWhoseOutputMatchesExactlyAlone() throws {
        let acceptance = try accept(
            Self.realWorld, ["hello": ("stale line\n", ""), "other": ("kept line\nold tail", "")])
        #expect(!acceptance.changesLesson)
        #expect(acceptance.source == Array(Self.realWorld.utf8))
    }

    /// Found by fuzzing: accepting an unordered block dropped its second `...`.
    @Test func keepsEveryEllipsisOfAnUnorderedBlock() throws {
        let lesson = Support.outputLesson("b\n...\na\n...\nstale\n", info: "output unordered")
        #expect(try accepted(lesson, ["hello": ("a\nx\nb\n", "")])
            == Support.outputLesson("b\n...\na\n...\n", info: "output unordered"))
    }

    /// Found by fuzzing: an unordered block's new blank line went to its end, where blank lines are not read.
    @Test func putsTheBlankLinesOfAnUnorderedBlockWhereTheyCount() throws {
        let lesson = Support.outputLesson("b\n", info: "output unordered")
        let result = try accepted(lesson, ["hello": ("\nb\n", "")])
        #expect(result == Support.outputLesson("\nb\n", info: "output unordered"))
        #expect(try Support.mismatches(result, stdout: "\nb\n").isEmpty)
    }

    @Test func keepsMatcherLinesThatStillMatchAndReplacesTheRest() throws {
        let lesson = """
            ```swift demo=hello
            ```

            ```output
            started pid [0-9]+ (re)
            ...
            pi is {{3.14 ± 0.01}} (num)
            old last line
            ```
            After.

            """
        let printed = "started pid 77\nnoise\nmore noise\npi is 3.1418\nnew last line\n"
        let result = try accepted(lesson, ["hello": (printed, "")])
        #expect(result == """
            ```swift demo=hello
            ```

            ```output
            started pid [0-9]+ (re)
            ...
            pi is {{3.14 ± 0.01}} (num)
            new last line
            ```
            After.

            """)
    }

    /// Found by fuzzing: new blocks after a cell left open at the end of the file went inside the cell.
    @Test func closesACellLeftOpenBeforeAddingBlocksAfterIt() throws {
        #expect(try accepted("```swift demo=hello", ["hello": ("x\n", "e\n")])
            == "```swift demo=hello\n```\n\n```output\nx\n```\n\n```stderr\ne\n```\n")
        #expect(try accepted("> ````swift demo=hello\n", ["hello": ("x\n", "")])
            == "> ````swift demo=hello\n> ````\n>\n> ```output\n> x\n> ```\n")
        // An open block that is replaced is closed by its replacement, and only once.
        #expect(try accepted("```swift demo=hello\n```\n```output", ["hello": ("t\n", "e\n")])
            == "```swift demo=hello\n```\n```output\nt\n```\n\n```stderr\ne\n```\n")
    }

    @Test func theAcceptedLessonPassesAndAcceptingAgainChangesNothing() throws {
        let lesson = "```swift demo=hello\n```\n\n```output unordered sanitize=pid\nb\npid 1\nz\n```\n"
        let printed = (stdout: "...\npid 9\nb\nc (re)\n", stderr: "")
        let once = try accepted(lesson, ["hello": printed])
        #expect(once.contains("... (literal)\n"), "a line that reads as a matcher is escaped")
        #expect(once.contains("c (re) (literal)\n"))
        #expect(once.contains("pid 1\n"), "a line that matches after sanitizing is kept as written")
        #expect(!once.contains("z\n"))
        let reparsed = try Support.lesson(once)
        let cell = reparsed.cells[0]
        let output = Support.result(cell.id, stdout: printed.stdout).output
        #expect(OutputCheck.mismatches(of: cell, output: output).isEmpty)
        #expect(try !accept(once, ["hello": printed]).changesLesson)
    }

    @Test func createsMissingBlocksInTheCellsContainer() throws {
        let lesson = "- step\n\n  ```swift demo=hello\n  ```\n- next\n"
        let result = try accepted(lesson, ["hello": ("out\n", "err\n")])
        #expect(result == """
            - step

              ```swift demo=hello
              ```

              ```output
              out
              ```

              ```stderr
              err
              ```

            - next

            """)
        #expect(try accepted("```swift demo=hello\n```", ["hello": ("x", "")])
            == "```swift demo=hello\n```\n\n```output\nx\n```\n")
    }

    @Test func emptiesAStderrBlockAndKeepsALongFence() throws {
        let lesson = "```swift demo=hello\n```\n`````stderr\n````\nold\n`````\n"
        #expect(try accepted(lesson, ["hello": ("", "")]) == "```swift demo=hello\n```\n`````stderr\n`````\n")
        #expect(try accepted(lesson, ["hello": ("", "new\n")]) == "```swift demo=hello\n```\n`````stderr\nnew\n`````\n")
    }

    @Test func refusesCellsThatDidNotEndAsExpected() throws {
        let lesson = try Support.lesson("```swift demo=hello\n```\n```output\nold\n```\n")
        var result = Support.result("hello", stdout: "new\n", status: .error)
        result.detail = "exit 3, expected success"
        let acceptance = LessonAcceptance(LessonRunResult(lesson: lesson, results: [result], duration: .zero))
        #expect(!acceptance.changesLesson)
        #expect(acceptance.refusals.map(\.cellID) == ["hello"])
        #expect(acceptance.refusals.first?.reason.hasPrefix("error: exit 3, expected success") == true)
    }
}
