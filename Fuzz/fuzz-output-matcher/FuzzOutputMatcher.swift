import FuzzSupport
@testable import LessonRunner

/// The expected-output language (`...`, ` (re)`, ` (glob)`, ` (num)`, ` (literal)`, `output unordered`,
/// sanitizers) against what a cell printed.
///
/// The input is an info string line, then the expected block's content, a NUL byte, and what the cell printed.
/// Every expected line and every actual line must take part in the alignment exactly once, an output must match
/// the block made from it, and the block `accept` writes must match the output it was written from.
@main
enum FuzzOutputMatcher {
    static func main() {
        Fuzzer.run { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            let split = text.firstIndex(of: "\0")
            let head = text[..<(split ?? text.endIndex)]
            let printed = split.map { String(text[text.index(after: $0)...]) } ?? ""
            // As `check` and `accept` see a stream: escape sequences gone, CR as a line break, controls visible.
            let actual = TerminalText.plain(printed)
            let info = head.firstIndex(of: "\n").map { String(head[..<$0]) } ?? String(head)
            let content = head.firstIndex(of: "\n").map { String(head[head.index(after: $0)...]) } ?? ""
            guard let pattern = try? ExpectedPattern.parse(content: content, info: "output " + info) else { return }
            let comparison = OutputComparison(pattern: pattern, actual: actual)
            checkAlignment(comparison)

            // `accept`'s merge: the block it writes must match what was printed.
            let merged = LessonAcceptance.mergedContent(comparison)
            guard let accepted = try? ExpectedPattern.parse(content: merged, info: "output " + info) else {
                Fuzzer.require(false, "the accepted block does not parse:\n\(merged)")
                return
            }
            Fuzzer.require(OutputComparison(pattern: accepted, actual: actual).matches,
                           "the accepted block does not match the output it was made from:\n\(merged)")

            // The output written as a block of literals matches it (when no sanitizer rewrites it).
            if pattern.sanitizers.isEmpty {
                let literal = OutputLines.split(actual, trimming: false).map { PatternLine.escapedLiteral($0) + "\n" }
                if let exact = try? ExpectedPattern.parse(content: literal.joined(), info: "output") {
                    Fuzzer.require(OutputComparison(pattern: exact, actual: actual).matches,
                                   "the output as literal lines does not match itself")
                }
            }
        }
    }

    /// Each pattern line and each actual line appears in exactly one step.
    static func checkAlignment(_ comparison: OutputComparison) {
        var patterns = [Int](repeating: 0, count: comparison.pattern.lines.count)
        var lines = [Int](repeating: 0, count: comparison.actualLines.count)
        for step in comparison.steps {
            switch step {
            case .matched(let pattern, let line):
                patterns[pattern] += 1
                lines[line] += 1
            case .anyLines(let pattern, let range):
                patterns[pattern] += 1
                // Unordered, `...` takes the lines left over wherever they are: the range only counts them.
                if comparison.pattern.isUnordered {
                    let leftOver = lines.indices.filter { lines[$0] == 0 && !isMatched($0, comparison) }
                    Fuzzer.require(leftOver.count == range.count,
                                   "`...` takes \(range.count) of \(leftOver.count) lines")
                    for line in leftOver { lines[line] += 1 }
                } else {
                    for line in range { lines[line] += 1 }
                }
            case .missing(let pattern):
                patterns[pattern] += 1
            case .unexpected(let line):
                lines[line] += 1
            }
        }
        Fuzzer.require(patterns.allSatisfy { $0 == 1 }, "pattern lines taken \(patterns) times")
        Fuzzer.require(lines.allSatisfy { $0 == 1 }, "actual lines taken \(lines) times")
    }

    static func isMatched(_ line: Int, _ comparison: OutputComparison) -> Bool {
        comparison.steps.contains { if case .matched(_, line) = $0 { true } else { false } }
    }
}
