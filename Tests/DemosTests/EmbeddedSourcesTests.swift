import Demos
import EmbeddedSourcesFixture
import LessonRunner
import LessonTestSupport
import SystemPackage
import Testing

/// The EmbedDemoSources plugin compiles a module's own sources into it, byte for byte.
@Suite struct EmbeddedSourcesTests {
    static func onDisk(_ path: String) throws -> String {
        String(decoding: try TemporaryFile.read(BuiltExecutables.packageRoot.appending(path).string), as: UTF8.self)
    }

    @Test func everyBuiltInDemoFileIsEmbeddedAsItIsOnDisk() throws {
        let files = DemoRegistry.builtIn.sources.all
        #expect(files.count > 13)
        for file in files {
            #expect(file.path == "Sources/\(file.fileID)")
            #expect(file.text == (try Self.onDisk(file.path)), "\(file.path) is embedded as it was compiled")
        }
        for demo in DemoRegistry.builtIn.demos {
            let source = try #require(try DemoRegistry.builtIn.source(of: demo), "\(demo.name) has its source")
            #expect(source.file.text.contains("// ANCHOR: shown"), "\(demo.name) marks what a lesson shows")
        }
    }

    @Test func textThatIsHardToQuoteSurvivesExactly() throws {
        let hard = try #require(embeddedFixtureSources["EmbeddedSourcesFixture/HardToQuote.swift"])
        #expect(hard.path == "Tests/EmbeddedSourcesFixture/HardToQuote.swift")
        #expect(hard.text == (try Self.onDisk(hard.path)))
        #expect(hard.text.hasSuffix("at the end of this file"))

        // CR LF line ends are read as LF, as the compiler reads them.
        let windows = try #require(embeddedFixtureSources["EmbeddedSourcesFixture/WindowsLineEnds.swift"])
        #expect(try Self.onDisk(windows.path).contains("\r\n"))
        #expect(windows.text == "let crlf = \"this file ends its lines with CR LF\"\nlet more = 2\n")
    }
}
