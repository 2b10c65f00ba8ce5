@testable import LessonRunner
import Testing

@Suite struct DemoSourceTests {
    static func file(_ text: String) -> DemoSourceFile {
        DemoSourceFile(fileID: "Demos/Greet.swift", path: "Sources/Demos/Greet.swift", text: text)
    }

    @Test func theShownRegionIsDedentedWithItsLineNumbers() throws {
        let source = try DemoSource(file: Self.file("""
            import Multiprocessing

            enum Greet {
                // ANCHOR: shown
                static func main() {
                    print("hello")   \("")

                }
                // ANCHOR_END: shown
            }

            """))
        #expect(source.code == "static func main() {\n    print(\"hello\")\n\n}\n")
        #expect(source.lineNumbers == [5, 6, 7, 8])
    }

    @Test func otherAnchorsAreLeftOutAndNoAnchorShowsTheWholeFile() throws {
        let marked = try DemoSource(file: Self.file("""
            //ANCHOR: shown
            let a = 1
            // ANCHOR: setup
            let b = 2
            // ANCHOR_END: setup
            // ANCHOR_END: shown
            """))
        #expect(marked.code == "let a = 1\nlet b = 2\n")
        #expect(marked.lineNumbers == [2, 4])

        let whole = try DemoSource(file: Self.file("let a = 1\r\nlet b = 2\n"))
        #expect(whole.code == "let a = 1\nlet b = 2\n")
        #expect(whole.lineNumbers == [1, 2])
    }

    @Test(arguments: [
        ("// ANCHOR: shown\nlet a = 1\n",
         "Sources/Demos/Greet.swift:1: `// ANCHOR: shown` is never closed: add `// ANCHOR_END: shown`"),
        ("let a = 1\n// ANCHOR_END: shown\n",
         "Sources/Demos/Greet.swift:2: `// ANCHOR_END: shown` before `// ANCHOR: shown`"),
        ("// ANCHOR: shown\n// ANCHOR: shown\n",
         "Sources/Demos/Greet.swift:2: a second `// ANCHOR: shown`; a file shows one region"),
        ("// ANCHOR: shown\n// ANCHOR_END: shown\n// ANCHOR_END: shown\n",
         "Sources/Demos/Greet.swift:3: a second `// ANCHOR_END: shown`"),
    ])
    func anchorsThatDoNotPairUpAreErrors(text: String, message: String) {
        let error = #expect(throws: DemoSourceError.self) { try DemoSource(file: Self.file(text)) }
        #expect(error?.description == message)
    }

    @Test func theRegistryFindsADemosFileByItsFileID() throws {
        let demo = Demo("greet", summary: "") { _ in 0 }
        #expect(demo.fileID == "LessonRunnerTests/DemoSourceTests.swift")
        let files = DemoSourceFiles([DemoSourceFile(
            fileID: demo.fileID, path: "Tests/DemoSourceTests.swift",
            text: "// ANCHOR: shown\nhi\n// ANCHOR_END: shown\n")])
        let registry = DemoRegistry([demo], sources: files)
        #expect(try registry.source(of: demo)?.code == "hi\n")
        #expect(try DemoRegistry([demo]).source(of: demo) == nil, "no sources, nothing to show")
        let merged = DemoRegistry().merging(registry)
        #expect(try merged.source(of: demo)?.code == "hi\n", "merging keeps the sources")
    }
}
