import Testing

@testable import LessonRunner

/// Lessons glued together from Markdown pieces: the parser must never crash, and every block it returns must
/// cover exactly its whole lines.
@Suite("Generated lessons")
struct GeneratedLessonTests {
    /// A small seeded generator (SplitMix64), so that a failure can be reproduced.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let pieces = [
        "```", "~~~", "````", " ", "  ", "   ", "\t", "> ", "- ", "1. ", "\n", "\n", "\r\n", "\r", "swift", "output",
        "stderr", "\u{0}", "ü", "# h", "text", "=", " timeout=1s", " skip", "|a|\n|-|\n", "<script>", "    ",
        " demo=hello",
    ]

    @Test func blocksCoverWholeLines() {
        var generator = SplitMix64(state: 2026)
        var parsed = 0
        for _ in 0..<3000 {
            var text = ""
            var cellCount = 0
            for _ in 0..<Int.random(in: 1...40, using: &generator) {
                var piece = Self.pieces.randomElement(using: &generator)!
                if piece == " demo=hello" {
                    cellCount += 1
                    piece += " id=c\(cellCount)"
                }
                text += piece
            }
            let bytes = Array(text.utf8)
            guard let lesson = try? LessonParser(demos: testDemos).parse(bytes, path: "g.md") else { continue }
            parsed += 1
            let lines = SourceLines(bytes)
            for cell in lesson.cells {
                for block in [cell.block] + [cell.expectedOutput?.block, cell.expectedError?.block].compactMap({ $0 }) {
                    let first = lines.line(block.lines.lowerBound), last = lines.line(block.lines.upperBound)
                    #expect(block.byteRange == first!.start..<last!.end, "\(text.debugDescription)")
                    #expect(
                        bytes[block.byteRange].starts(with: Array((block.linePrefix + block.fence).utf8)),
                        "\(text.debugDescription)")
                    let contentLines = block.content.utf8.count { $0 == UInt8(ascii: "\n") }
                    #expect(block.lines.count == contentLines + (block.isClosed ? 2 : 1), "\(text.debugDescription)")
                    if block.isClosed {
                        let closing = String(decoding: lines.content(ofLine: block.lines.upperBound), as: UTF8.self)
                        #expect(closing.contains(block.fence), "\(text.debugDescription)")
                    }
                }
            }
        }
        #expect(parsed > 1000)
    }
}

@Suite("Deeply nested lessons")
struct DeepNestingTests {
    @Test func cellFiftyQuotesDeep() throws {
        let prefix = String(repeating: "> ", count: 50)
        let lesson = try parseLesson("\(prefix)```swift demo=hello\n\(prefix)x\n\(prefix)```\n")
        let block = try #require(lesson.cells.first?.block)
        #expect(block.linePrefix == prefix)
        #expect(block.location.column == 101)
        #expect(block.content == "x\n")
        #expect(block.byteRange == 0..<lesson.source.count)
    }

    @Test func absurdNestingIsAnErrorNotACrash() {
        let sources = [String(repeating: ">", count: 200_000) + " x\n", String(repeating: "- ", count: 100_000) + "x\n"]
        for source in sources {
            let found = diagnostics(of: source)
            #expect(found.count == 1)
            #expect(found.first?.hasPrefix("1:") == true)
            #expect(found.first?.hasSuffix(
                "error: content nested more than 1000 levels deep is not read: nest it less deeply") == true)
        }
    }
}
