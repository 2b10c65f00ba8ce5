import Testing

@testable import LessonRunner

@Suite("Expected output association")
struct ExpectedOutputTests {
    @Test func outputThenStderrWithBlankLines() throws {
        let lesson = try parseLesson("""
            ```swift demo=hello
            ```


            ```output
              indented

            ```
            ```stderr
            warn
            ```

            """)
        let cell = try #require(lesson.cells.first)
        #expect(cell.expectedOutput?.text == "  indented\n\n")
        #expect(cell.expectedOutput?.block.lines == 5...8)
        #expect(cell.expectedError?.text == "warn\n")
        #expect(cell.expectedError?.block.lines == 9...11)
    }

    @Test func stderrThenOutput() throws {
        let lesson = try parseLesson("```swift demo=hello\n```\n~~~stderr\ne\n~~~\n\n````output\no\n````\n")
        let cell = try #require(lesson.cells.first)
        #expect(cell.expectedError?.text == "e\n")
        #expect(cell.expectedOutput?.text == "o\n")
        #expect(cell.expectedOutput?.block.fence == "````")
    }

    @Test func extraWordsAfterOutputStayInTheInfo() throws {
        let lesson = try parseLesson("```swift demo=hello\n```\n```output  unordered  sanitize=pid  \nx\n```\n")
        #expect(lesson.cells[0].expectedOutput?.block.info == "output  unordered  sanitize=pid")
        #expect(lesson.cells[0].expectedOutput?.text == "x\n")
    }

    @Test func eachCellGetsItsOwnOutput() throws {
        let lesson = try parseLesson("""
            ```swift demo=hello
            ```
            ```output
            one
            ```
            ```swift demo=echo
            ```
            ```output
            two
            ```
            ```swift demo=crash
            ```

            """)
        #expect(lesson.cells.map { $0.expectedOutput?.text } == ["one\n", "two\n", nil])
    }

    @Test func outputAfterSomethingElseIsStray() {
        let stray = "put it right after a fenced block with `demo=NAME`, or give it another info string"
        #expect(diagnostics(of: "```output\nx\n```\n") == [
            "1:1: error: `output` block has no cell right before it: \(stray)"
        ])
        // A paragraph in between breaks the association.
        #expect(diagnostics(of: "```swift demo=hello\n```\ntext\n\n```output\nx\n```\n") == [
            "5:1: error: `output` block has no cell right before it: \(stray)"
        ])
        // A plain code block is not a cell.
        #expect(diagnostics(of: "```swift\n```\n\n  ~~~stderr\n  x\n  ~~~\n") == [
            "4:3: error: `stderr` block has no cell right before it: \(stray)"
        ])
        // The cell is in a list item; the output block is not in the same container.
        #expect(diagnostics(of: "- ```swift demo=hello\n  ```\n\n```output\nx\n```\n") == [
            "4:1: error: `output` block has no cell right before it: \(stray)"
        ])
        // A heading in between.
        #expect(diagnostics(of: "```swift demo=hello\n```\n# H\n> ```stderr\n> ```\n") == [
            "4:3: error: `stderr` block has no cell right before it: \(stray)"
        ])
    }

    @Test func secondBlockForTheSameStream() {
        #expect(diagnostics(of: "```swift demo=hello\n```\n```stderr\n```\n```output\n```\n```stderr\n```\n") == [
            "7:1: error: second `stderr` block for the cell on line 1 (the first is on line 3): a cell has at most one"
        ])
    }

    @Test func outputOfACellWithErrorsIsNotStray() {
        #expect(diagnostics(of: "```swift demo=nope\n```\n```output\n```\n") == [
            "1:10: error: unknown demo `nope`: register it or use one of `crash`, `echo`, `hello`, `pool-map`"
        ])
    }
}
