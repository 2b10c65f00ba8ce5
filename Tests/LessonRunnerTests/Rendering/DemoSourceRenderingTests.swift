import LessonRunner
import Multiprocessing
import Testing

/// Reports show a demo's source in a cell left empty, and a cell's own code otherwise.
@Suite struct DemoSourceRenderingTests {
    static let greet = Demo("greet", summary: "", fileID: "Demos/Greet.swift") { _ in 0 }
    static let registry = DemoRegistry([greet], sources: DemoSourceFiles([
        DemoSourceFile(fileID: "Demos/Greet.swift", path: "Sources/Demos/Greet.swift", text: """
            // ANCHOR: shown
            print("<hello>")
            // ```
            // ANCHOR_END: shown

            """),
    ]))

    static func run(_ markdown: String) throws -> LessonRunResult {
        let lesson = try LessonParser(demos: registry).parse(Array(markdown.utf8), path: "lesson.md")
        let results = lesson.cells.map { cell in
            var output = CapturedOutput()
            output.stdout = CapturedStream(bytes: Array("<hello>\n".utf8))
            return CellResult(cellID: cell.id, status: .passed, termination: .exited(0), output: output,
                              duration: .milliseconds(2))
        }
        return LessonRunResult(lesson: lesson, results: results, duration: .milliseconds(2))
    }

    @Test func theMarkdownReportFillsAnEmptyCellInItsContainer() throws {
        let report = MarkdownReport().render(try Self.run("""
            Intro.

            - Item:

              ```swift demo=greet
              ```

              ```output
              <hello>
              ```
            - Next item.

            """))
        // The demo's code holds a ``` line, so the cell's fence grows to four backticks.
        #expect(String(decoding: report, as: UTF8.self) == """
            Intro.

            - Item:

              ````swift demo=greet
              print("<hello>")
              // ```
              ````

              ```output
              <hello>
              ```

              *passed · exit 0 · 2 ms*

            - Next item.

            """)
    }

    @Test func theHTMLReportShowsTheDemosCodeEscaped() throws {
        let page = String(
            decoding: HTMLReport(environment: ReportEnvironment(swiftVersion: "6.3", machine: "m", date: "d"))
                .render(try Self.run("# Greeting\n\n```swift demo=greet\n```\n")),
            as: UTF8.self)
        let code = try #require(page.firstRange(of: "<pre class=\"code\">").map { page[$0.lowerBound...] })
        let block = code.prefix { $0 != "\u{0}" }.prefix(upTo: try #require(code.firstRange(of: "</pre>")).upperBound)
        #expect(block.contains("&lt;hello&gt;"))
        #expect(block.contains("// ```"))
        #expect(!block.contains("<hello>"))
    }
}
