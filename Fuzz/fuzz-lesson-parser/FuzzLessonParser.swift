import FuzzSupport
@testable import LessonRunner

/// Lessons as contributors write them: any bytes, loaded as a lesson (Markdown to cells, info strings, attributes,
/// `args=` as shell words, expected blocks as patterns). Loading may fail with diagnostics, never crash; what loads
/// must point into its own source.
@main
enum FuzzLessonParser {
    /// The demos the course's lessons name, so that the seeds load; their bodies never run.
    static let parser = LessonParser(demos: DemoRegistry([
        "crash", "doubler", "hello-lines", "lock", "manager", "no-lock", "parallel-delayed", "pi", "ping-pong",
        "pipe", "pool-map", "process-hello", "queue", "shared-memory", "sleeper", "start-methods", "stderr-exit",
        "stubborn-grandchild",
    ].map { Demo($0, summary: "", body: { _ in 0 }) }))

    static func main() {
        Fuzzer.run { bytes in
            _ = ShellWords.split(bytes.prefix(256))  // As `args=` values are: short.
            guard let lesson = try? parser.parse(bytes, path: "fuzz.md") else { return }
            for cell in lesson.cells {
                for block in [cell.block] + [cell.expectedOutput, cell.expectedError].compactMap({ $0?.block }) {
                    Fuzzer.require(block.byteRange.lowerBound >= 0 && block.byteRange.upperBound <= bytes.count,
                                   "a block's range \(block.byteRange) is outside the \(bytes.count) bytes")
                    Fuzzer.require(block.location.line >= 1 && block.location.column >= 1, "a block at line 0")
                }
                for expected in [cell.expectedOutput, cell.expectedError].compactMap({ $0 }) {
                    _ = try? ExpectedPattern.parse(content: expected.text, info: expected.block.info)
                }
            }
        }
    }
}
