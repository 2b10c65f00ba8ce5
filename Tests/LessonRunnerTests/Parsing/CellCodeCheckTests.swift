@testable import LessonRunner
import Testing

/// A cell's code against the shown source of its demo.
@Suite struct CellCodeCheckTests {
    static let greet = Demo("greet", summary: "", fileID: "Demos/Greet.swift") { _ in 0 }
    static let plain = Demo("plain", summary: "", fileID: "Demos/Plain.swift") { _ in 0 }
    static let broken = Demo("broken", summary: "", fileID: "Demos/Broken.swift") { _ in 0 }
    static let registry = DemoRegistry([greet, plain, broken], sources: DemoSourceFiles([
        DemoSourceFile(fileID: "Demos/Greet.swift", path: "Sources/Demos/Greet.swift", text: """
            enum Greet {
                // ANCHOR: shown
                static func main() {
                    print("hello")
                }
                // ANCHOR_END: shown
            }

            """),
        DemoSourceFile(fileID: "Demos/Broken.swift", path: "Sources/Demos/Broken.swift", text: "// ANCHOR: shown\n"),
    ]))

    func parse(_ text: String) throws(LessonError) -> Lesson {
        try LessonParser(demos: Self.registry).parse(Array(text.utf8), path: "lesson.md")
    }

    func errors(_ text: String) -> [String] {
        do {
            _ = try parse(text)
            return []
        } catch {
            return error.diagnostics.map(brief)
        }
    }

    @Test func theSameCodePassesWhateverItsIndentationAndTrailingSpace() throws {
        let lesson = try parse("""
            - A list item:

              ```swift demo=greet

                  static func main() {  \("")
                      print("hello")
                  }

              ```

            """)
        let cell = try #require(lesson.cells.first)
        #expect(cell.demoSource?.code == "static func main() {\n    print(\"hello\")\n}\n")
        #expect(!cell.showsDemoSource)
        #expect(cell.displayedCode == cell.code, "a cell with code shows its own")
    }

    @Test func anEmptyCellShowsItsDemosSource() throws {
        let lesson = try parse("```swift demo=greet\n```\n\n```swift demo=greet id=blank\n  \n```\n")
        for cell in lesson.cells {
            #expect(cell.showsDemoSource)
            #expect(cell.displayedCode == "static func main() {\n    print(\"hello\")\n}\n")
        }
    }

    @Test func aDifferentLineIsAnErrorAtThatLine() {
        #expect(errors("""
            # Greeting

            > ```swift demo=greet
            > static func main() {
            >     print("hello, world")
            > }
            > ```

            """) == [
            "5:3: error: this cell's code differs from the source of demo `greet` (Sources/Demos/Greet.swift:4): the "
                + "cell has `    print(\"hello, world\")` where the demo has `    print(\"hello\")`; leave the cell "
                + "empty to show the demo's source, or make it the same",
        ])
    }

    @Test func codeThatStopsShortOrGoesOnIsAnError() {
        #expect(errors("```swift demo=greet\nstatic func main() {\n```\n") == [
            "3:1: error: this cell's code ends before the source of demo `greet` does: it goes on with "
                + "`    print(\"hello\")` (Sources/Demos/Greet.swift:4); leave the cell empty to show the demo's "
                + "source, or make it the same",
        ])
        #expect(errors("```swift demo=greet\nstatic func main() {\n    print(\"hello\")\n}\nmain()\n```\n") == [
            "5:1: error: this cell's code goes on with `main()` after the source of demo `greet` ends "
                + "(Sources/Demos/Greet.swift:5); leave the cell empty to show the demo's source, or make it the same",
        ])
    }

    @Test func aDemoWhoseSourceIsNotEmbeddedIsNotChecked() throws {
        let lesson = try parse("```swift demo=plain\nanything at all\n```\n\n```swift demo=plain id=empty\n```\n")
        #expect(lesson.cells.map(\.demoSource) == [nil, nil])
        #expect(lesson.cells[1].displayedCode == "", "nothing to show")
    }

    @Test func aSourceWithBadAnchorsIsAnErrorAtTheCellsDemo() {
        #expect(errors("Text.\n\n```swift id=b demo=broken\n```\n") == [
            "3:15: error: the source of demo `broken` cannot be shown: Sources/Demos/Broken.swift:1: "
                + "`// ANCHOR: shown` is never closed: add `// ANCHOR_END: shown`",
        ])
    }
}
