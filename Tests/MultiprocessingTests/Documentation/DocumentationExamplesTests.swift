#if canImport(Glibc)
import Glibc
#endif
import LessonTestSupport
import Multiprocessing
import SystemPackage
import Testing

/// The examples of the documentation are the snippets of `Snippets/`, which `swift build` compiles as executables;
/// the DocC articles show them with `@Snippet`, and the README's Multiprocessing examples are their visible parts.
/// These tests run each snippet and check what it prints, and check that the README and the articles quote them.
extension MultiprocessingSuite {
    struct DocumentationExamplesTests {
        /// Each snippet and what it prints.
        static let expectedOutput: [String: String] = [
            "GettingStarted": "49\n",
            "PoolAndParallel": "[1, 2, 5, 10, 17, 26, 37, 50]\n1\n2\n5\n[1, 2, 5, 10, 17, 26, 37, 50, 65, 82]\n",
            "SharedState": "[0, -1, -2, -3, -4, -5, -6, -7, -8, -9] 3.25\n",
            "ManagerDict": "{1: '1', '2': 2, 0.25: None}\n",
            "ManagerRemote": "compile\n",
            "StartMethods": "[\"Process-1\", \"second\"]\nProcess-1, child of MainProcess\n0 0\n-15\n",
            "QueuesAndPipes": "[[0, 0], [1, 1], [2, 2]]\ndone in Process-1\n",
            "WireFormat": "174 true\nplan\nendOfFile\n",
            "LocksAndBarriers": "2000\nfree slots while holding one: 1\ntrue\n",
            "FoundationNameClash": "hello, Foundation, from Process-1\ntrue\n0\n",
        ]

        static var snippetsFolder: FilePath { BuiltExecutables.packageRoot.appending("Snippets") }

        static func text(_ path: FilePath) throws -> String {
            String(decoding: try TemporaryFile.read(path.string), as: UTF8.self)
        }

        /// The lines of a snippet that DocC shows: without the `snippet.hide` … `snippet.show` parts and markers.
        static func visibleText(_ source: String) -> String {
            var shown = true
            var lines: [Substring] = []
            for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
                let trimmed = line.trimmingPrefix(while: \.isWhitespace)
                if trimmed == "// snippet.hide" { shown = false; continue }
                if trimmed == "// snippet.show" { shown = true; continue }
                if shown { lines.append(line) }
            }
            return lines.joined(separator: "\n")
        }

        /// The names of the files in `folder` that end with `suffix`, without it.
        static func names(in folder: FilePath, endingWith suffix: String) -> [String] {
            guard let directory = opendir(folder.string) else { return [] }
            defer { closedir(directory) }
            var names: [String] = []
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
                }
                if name.hasSuffix(suffix) { names.append(String(name.dropLast(suffix.count))) }
            }
            return names.sorted()
        }

        @Test
        func everySnippetIsCheckedHere() {
            #expect(Self.names(in: Self.snippetsFolder, endingWith: ".swift") == Self.expectedOutput.keys.sorted())
        }

        @Test(arguments: expectedOutput.keys.sorted())
        func aSnippetPrintsWhatItsCommentsSay(name: String) throws {
            let run = try CommandRun.run(BuiltExecutables.productsFolder.appending(name), [])
            #expect(run.exitCode == 0, "\(run.standardError)")
            #expect(run.standardOutput == Self.expectedOutput[name])
        }

        @Test
        func theReadmesMultiprocessingExamplesAreSnippets() throws {
            let readme = try Self.text(BuiltExecutables.packageRoot.appending("README.md"))
            let section = readme.split(separator: "\n## ").first { $0.hasPrefix("Multiprocessing\n") } ?? ""
            let blocks = section.split(separator: "```swift\n").dropFirst().map { $0.split(separator: "```")[0] }
            #expect(blocks.count == 4)
            let snippets = try Self.expectedOutput.keys.map {
                Self.visibleText(try Self.text(Self.snippetsFolder.appending("\($0).swift")))
            }
            for block in blocks {
                #expect(snippets.contains { $0.contains(block) }, "not in any snippet:\n\(block)")
            }
        }

        @Test(arguments: ["Sources/Multiprocessing/Multiprocessing.docc",
                          "Sources/MultiprocessingManagers/MultiprocessingManagers.docc"])
        func everySnippetAnArticleShowsExists(catalog: String) throws {
            let folder = BuiltExecutables.packageRoot.appending(catalog)
            let articles = Self.names(in: folder, endingWith: ".md")
            #expect(!articles.isEmpty)
            var shown = 0
            for article in articles {
                let text = try Self.text(folder.appending("\(article).md"))
                for part in text.split(separator: "@Snippet(path: \"LessonRunner/Snippets/").dropFirst() {
                    let name = String(part.prefix { $0 != "\"" })
                    #expect(Self.expectedOutput[name] != nil, "\(article).md shows a snippet that is not there: \(name)")
                    shown += 1
                }
            }
            #expect(shown > 0)
        }
    }
}
