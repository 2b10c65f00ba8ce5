import Testing

@testable import LessonRunner

@Suite("Fenced block locations")
struct FencedBlockLocationTests {
    @Test func longerBacktickAndTildeFences() throws {
        let lesson = try parseLesson("""
            ````swift demo=hello
            ```
            inner
            ````

            ~~~~~ demo=echo id=t
            x
            ~~~~~

            """)
        let (first, second) = (lesson.cells[0].block, lesson.cells[1].block)
        #expect(first.fence == "````")
        #expect(first.content == "```\ninner\n")
        #expect(first.lines == 1...4)
        #expect(first.isClosed)
        #expect(first.linePrefix == "")
        #expect(first.info == "swift demo=hello")
        #expect(text(of: first, in: lesson) == "````swift demo=hello\n```\ninner\n````\n")
        #expect(second.fence == "~~~~~")
        #expect(second.lines == 6...8)
        #expect(second.location == SourceLocation(file: "lesson.md", line: 6, column: 1))
        #expect(text(of: second, in: lesson) == "~~~~~ demo=echo id=t\nx\n~~~~~\n")
    }

    @Test func cellsInNestedListsAndBlockQuotes() throws {
        let source = """
            - item

              ```swift demo=hello
              print(1)
              ```

              ```output
              1
              ```

            > quote
            >
            > - ```swift demo=echo
            >   x
            >   ```
            >   ```stderr
            >   oops
            >   ```

            1. one
               - two
                  ~~~ demo=crash
                  deep
                  ~~~

            """
        let lesson = try parseLesson(source)
        #expect(lesson.cells.map(\.id) == ["hello", "echo", "crash"])

        let inList = lesson.cells[0]
        #expect(inList.block.linePrefix == "  ")
        #expect(inList.block.location.column == 3)
        #expect(inList.block.lines == 3...5)
        #expect(inList.code == "print(1)\n")
        #expect(text(of: inList.block, in: lesson) == "  ```swift demo=hello\n  print(1)\n  ```\n")
        let output = try #require(inList.expectedOutput)
        #expect(output.text == "1\n")
        #expect(output.block.lines == 7...9)
        #expect(text(of: output.block, in: lesson) == "  ```output\n  1\n  ```\n")

        let inQuote = lesson.cells[1]
        #expect(inQuote.block.linePrefix == "> - ")
        #expect(inQuote.block.continuationPrefix == ">   ")
        #expect(inQuote.block.location == SourceLocation(file: "lesson.md", line: 13, column: 5))
        #expect(inQuote.block.lines == 13...15)
        #expect(inQuote.code == "x\n")
        #expect(text(of: inQuote.block, in: lesson) == "> - ```swift demo=echo\n>   x\n>   ```\n")
        let stderr = try #require(inQuote.expectedError)
        #expect(stderr.text == "oops\n")
        #expect(stderr.block.linePrefix == ">   ")
        #expect(text(of: stderr.block, in: lesson) == ">   ```stderr\n>   oops\n>   ```\n")

        let deep = lesson.cells[2]
        #expect(deep.block.linePrefix == "      ")
        #expect(deep.block.fence == "~~~")
        #expect(deep.code == "deep\n")
        #expect(text(of: deep.block, in: lesson) == "      ~~~ demo=crash\n      deep\n      ~~~\n")
    }

    @Test func crlfLineEndings() throws {
        let lesson = try parseLesson(
            "# Title\r\n\r\n```swift demo=hello\r\nline\r\n```\r\n\r\n```output\r\nout\r\n```\r\n")
        #expect(lesson.title == "Title")
        let cell = try #require(lesson.cells.first)
        #expect(cell.code == "line\n")
        #expect(cell.block.lines == 3...5)
        #expect(cell.block.info == "swift demo=hello")
        #expect(text(of: cell.block, in: lesson) == "```swift demo=hello\r\nline\r\n```\r\n")
        let output = try #require(cell.expectedOutput)
        #expect(output.text == "out\n")
        #expect(text(of: output.block, in: lesson) == "```output\r\nout\r\n```\r\n")
    }

    @Test func unclosedFenceAtEndOfFile() throws {
        let lesson = try parseLesson("# T\n\n```swift demo=hello\na\n\nb\n")
        let block = try #require(lesson.cells.first?.block)
        #expect(!block.isClosed)
        #expect(block.lines == 3...6)
        #expect(block.content == "a\n\nb\n")
        #expect(text(of: block, in: lesson) == "```swift demo=hello\na\n\nb\n")
        #expect(block.byteRange.upperBound == lesson.source.count)

        let empty = try parseLesson("```swift demo=hello")
        #expect(empty.cells[0].block.lines == 1...1)
        #expect(!empty.cells[0].block.isClosed)
        #expect(empty.cells[0].block.byteRange == 0..<19)
    }

    @Test func missingFinalNewline() throws {
        let lesson = try parseLesson("```swift demo=hello\na\n```")
        let block = try #require(lesson.cells.first?.block)
        #expect(block.isClosed)
        #expect(block.lines == 1...3)
        #expect(block.byteRange == 0..<lesson.source.count)

        let unclosed = try parseLesson("```swift demo=hello\r\na\r\nb")
        #expect(!unclosed.cells[0].block.isClosed)
        #expect(unclosed.cells[0].block.lines == 1...3)
        #expect(unclosed.cells[0].code == "a\nb\n")
        #expect(unclosed.cells[0].block.byteRange == 0..<unclosed.source.count)
    }

    @Test func unclosedFenceEndsWithItsContainer() throws {
        // cmark reports the end of these blocks on the line after them; the block must not take that line.
        let lazy = try parseLesson("> ```swift demo=hello\n> x\nlazy\n")
        #expect(!lazy.cells[0].block.isClosed)
        #expect(lazy.cells[0].block.lines == 1...2)
        #expect(text(of: lazy.cells[0].block, in: lazy) == "> ```swift demo=hello\n> x\n")

        let fenceOutside = try parseLesson("> ```swift demo=hello\n> x\n```\nq\n```\n")
        #expect(!fenceOutside.cells[0].block.isClosed)
        #expect(fenceOutside.cells[0].block.lines == 1...2)

        let nextItem = try parseLesson("- ```swift demo=hello\n  y\n\n- next\n")
        let block = nextItem.cells[0].block
        #expect(!block.isClosed)
        #expect(block.lines.lowerBound == 1)
        #expect(!text(of: block, in: nextItem).contains("next"))
        #expect(text(of: block, in: nextItem).hasPrefix("- ```swift demo=hello\n  y\n"))

        let blankInQuote = try parseLesson("> ```swift demo=hello\n>   y\n\n  ```c\n  z\n  ```\n")
        #expect(!blankInQuote.cells[0].block.isClosed)
        #expect(blankInQuote.cells[0].block.lines == 1...2)
        #expect(blankInQuote.cells[0].code == "  y\n")
    }

    @Test func indentedFenceAndTrailingSpaces() throws {
        let lesson = try parseLesson("   ```swift demo=hello   \n   a\n   ```   \nafter\n")
        let block = try #require(lesson.cells.first?.block)
        #expect(block.linePrefix == "   ")
        #expect(block.location.column == 4)
        #expect(block.info == "swift demo=hello")
        #expect(block.isClosed)
        #expect(block.content == "a\n")
        #expect(text(of: block, in: lesson) == "   ```swift demo=hello   \n   a\n   ```   \n")
    }

    @Test func emptyCellAndByteOrderMark() throws {
        let lesson = try LessonParser(demos: testDemos).parse(
            [0xEF, 0xBB, 0xBF] + Array("```swift demo=hello\n```\n".utf8), path: "bom.md")
        let block = try #require(lesson.cells.first?.block)
        #expect(block.content == "")
        #expect(block.lines == 1...2)
        #expect(block.isClosed)
        #expect(block.location.column == 4)
        #expect(block.byteRange == 0..<lesson.source.count)
    }

    @Test func lonelyCarriageReturns() throws {
        let lesson = try parseLesson("```swift demo=hello\rx\ry\r```\rz\r")
        let block = try #require(lesson.cells.first?.block)
        #expect(block.lines == 1...4)
        #expect(block.content == "x\ny\n")
        #expect(text(of: block, in: lesson) == "```swift demo=hello\rx\ry\r```\r")
    }
}
