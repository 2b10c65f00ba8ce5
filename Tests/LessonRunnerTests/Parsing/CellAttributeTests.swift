import Multiprocessing
import Testing

@testable import LessonRunner

@Suite("Cell attributes")
struct CellAttributeTests {
    /// The one cell of a lesson made of a single fenced block with this opening fence line.
    func cell(_ openingLine: String) throws -> Cell {
        let lesson = try parseLesson("\(openingLine)\ncode\n```\n")
        try #require(lesson.cells.count == 1)
        return lesson.cells[0]
    }

    @Test func allAttributesTogether() throws {
        let lesson = try parseLesson(#"""
            # Pools *and* `maps`

            ```swift demo=pool-map id=map timeout=1.5s args="--processes 4 'two words'" skip expect=exit:3
            let x = 1
            ```

            """#)
        #expect(lesson.title == "Pools and maps")
        #expect(lesson.path == "lesson.md")
        #expect(lesson.warnings.isEmpty)
        let cell = try #require(lesson.cells.first)
        #expect(cell.id == "map")
        #expect(cell.demo == "pool-map")
        #expect(cell.language == "swift")
        #expect(cell.code == "let x = 1\n")
        #expect(cell.options.timeout == .milliseconds(1500))
        #expect(cell.options.arguments == ["--processes", "4", "two words"])
        #expect(cell.options.skip)
        #expect(cell.options.expectation == .exitCode(3))
        #expect(cell.location == SourceLocation(file: "lesson.md", line: 3, column: 1))
        #expect(lesson.cell(id: "map") == cell)
    }

    @Test func defaults() throws {
        let cell = try cell("```swift demo=hello")
        #expect(cell.id == "hello")
        #expect(cell.language == "swift")
        #expect(cell.options == CellOptions())
        #expect(cell.options.timeout == CellOptions.defaultTimeout)
        #expect(cell.expectedOutput == nil)
        #expect(cell.expectedError == nil)
    }

    @Test func noLanguage() throws {
        let cell = try cell("``` demo=hello")
        #expect(cell.language == nil)
        #expect(cell.block.info == "demo=hello")
    }

    @Test func idCharacters() throws {
        #expect(try cell("```swift demo=hello id=Part_2.a-b").id == "Part_2.a-b")
    }

    @Test(arguments: [
        ("500ms", Duration.milliseconds(500)), ("10s", .seconds(10)), ("2m", .seconds(120)),
        ("1.5s", .milliseconds(1500)), ("0.25m", .seconds(15)), ("1.0005s", .microseconds(1_000_500)),
    ])
    func timeout(text: String, duration: Duration) throws {
        #expect(try cell("```swift demo=hello timeout=\(text)").options.timeout == duration)
    }

    @Test(arguments: [
        (#"args="a b  c""#, ["a", "b", "c"]),
        (#"args='a "b c"'"#, ["a", "b c"]),
        (#"args="say \"hi\" a\\ b""#, ["say", "hi", "a b"]),
        (#"args=--flag"#, ["--flag"]),
        (#"args="""#, []),
        (#"args="'' x""#, ["", "x"]),
    ])
    func arguments(attribute: String, expected: [String]) throws {
        #expect(try cell("```swift demo=hello \(attribute)").options.arguments == expected)
    }

    @Test(arguments: [("skip", true), ("skip=true", true), ("skip=false", false)])
    func skip(attribute: String, expected: Bool) throws {
        #expect(try cell("```swift demo=hello \(attribute)").options.skip == expected)
    }

    @Test(arguments: [
        ("success", ExitExpectation.success), ("failure", .failure), ("exit:0", .exitCode(0)),
        ("exit:255", .exitCode(255)), ("signal:SIGSEGV", .signal(.segmentationFault)), ("signal:abrt", .signal(.abort)),
        ("signal:9", .signal(.kill)), ("crash", .crash), ("timeout", .timeout),
    ])
    func expectation(value: String, expected: ExitExpectation) throws {
        #expect(try cell("```swift demo=hello expect=\(value)").options.expectation == expected)
    }

    @Test func attributesInAnyOrderWithTildeFence() throws {
        let lesson = try parseLesson("~~~ expect=failure demo=echo id=e\nx\n~~~\n")
        let cell = try #require(lesson.cells.first)
        #expect(cell.id == "e")
        #expect(cell.demo == "echo")
        #expect(cell.language == nil)
        #expect(cell.options.expectation == .failure)
    }

    @Test func plainBlocksAreNotCells() throws {
        let lesson = try parseLesson("""
            ```swift
            let a = 1
            ```

            ```python {.class} title='it''s'
            b
            ```

                indented demo=hello

            """)
        #expect(lesson.cells.isEmpty)
        #expect(lesson.warnings.isEmpty)
        #expect(lesson.title == nil)
    }

    @Test func cellAttributesWithoutDemoAreAWarning() throws {
        let lesson = try parseLesson("""
            # Title

            ```swift id=x timeout=10s
            a
            ```

            """)
        #expect(lesson.cells.isEmpty)
        #expect(lesson.warnings.map(brief) == [
            "3:10: warning: `id` has no effect on a block without `demo=`: add `demo=NAME` to make it a cell"
        ])
    }

    @Test func warningsComeWithErrors() {
        #expect(diagnostics(of: "```swift timeout=1s\n```\n\n```swift demo=nope\n```\n") == [
            "1:10: warning: `timeout` has no effect on a block without `demo=`: add `demo=NAME` to make it a cell",
            "4:10: error: unknown demo `nope`: register it or use one of `crash`, `echo`, `hello`, `pool-map`",
        ])
    }

    @Test func cellsAreInDocumentOrderAcrossContainers() throws {
        let lesson = try parseLesson("""
            ```swift demo=hello id=one
            ```

            - item

              ```swift demo=hello id=two
              ```

            ```swift demo=hello id=three
            ```

            > ```swift demo=hello id=four
            > ```

            """)
        #expect(lesson.cells.map(\.id) == ["one", "two", "three", "four"])
    }
}
