/// `lesson accept`: a lesson with the actual output of its cells written into their `output` and `stderr` blocks.
///
/// Only blocks whose output no longer matches change, and in them only the lines that no longer match: matcher
/// lines (`...`, ` (re)`, ` (glob)`, ` (num)`) that still match stay as written, lines that match nothing are
/// dropped, and actual lines that nothing matched are written in (with ` (literal)` added when a line would read
/// as a matcher). A missing block is created when the cell printed on that stream. Every other byte of the file
/// stays as it was; a replaced block keeps its fence, info string and container prefix.
public struct LessonAcceptance: Sendable {
    /// A cell whose output was not written into the lesson, and why.
    public struct Refusal: Hashable, Sendable {
        /// The cell.
        public var cellID: String
        /// Where the cell stands.
        public var location: SourceLocation
        /// Why, such as `error: exit 3, expected success`.
        public var reason: String
    }

    /// The lesson's new bytes (equal to the old when nothing changed).
    public var source: [UInt8]
    /// The cells whose blocks changed, in document order.
    public var changedCells: [String]
    /// Cells that ran but ended in a way the lesson does not expect (`error`, `timed out`): their output is not
    /// taken, since the lesson would then show a run that does not pass.
    public var refusals: [Refusal]

    /// Writes the output of every cell in `run` that ended as expected into the lesson.
    public init(_ run: LessonRunResult) {
        var edits: [SourceEdit] = []
        var changedCells: [String] = []
        var refusals: [Refusal] = []
        for cell in run.lesson.cells {
            guard let result = run.result(for: cell.id), result.status != .skipped else { continue }
            guard result.status == .passed || result.status == .failed else {
                refusals.append(Refusal(
                    cellID: cell.id, location: cell.location, reason: StatusLine.text(for: result)))
                continue
            }
            let cellEdits = Self.edits(for: cell, output: result.output, source: run.lesson.source)
            if !cellEdits.isEmpty { changedCells.append(cell.id) }
            edits += cellEdits
        }
        source = SourceEdit.apply(edits, to: run.lesson.source)
        self.changedCells = changedCells
        self.refusals = refusals
    }

    /// Whether the file changes.
    public var changesLesson: Bool { !changedCells.isEmpty }

    private static func edits(for cell: Cell, output: CapturedOutput, source: [UInt8]) -> [SourceEdit] {
        let splicer = OutputBlockSplicer(cell: cell, source: source)
        var edits: [SourceEdit] = []
        var insertion = ""
        for (stream, expected) in [(OutputStream.stdout, cell.expectedOutput), (.stderr, cell.expectedError)] {
            let actual = TerminalText.plain(output[stream].text)
            guard let expected else {
                if !actual.isEmpty {
                    let lines = OutputLines.split(actual, trimming: false).map(PatternLine.escapedLiteral)
                    insertion += splicer.newBlock(for: stream, content: lines.map { $0 + "\n" }.joined())
                }
                continue
            }
            guard let pattern = try? ExpectedPattern.parse(content: expected.text, info: expected.block.info) else {
                continue
            }
            let comparison = OutputComparison(pattern: pattern, actual: actual)
            guard !comparison.matches else { continue }
            edits.append(splicer.replacing(expected, with: mergedContent(comparison), keepFenceLength: true))
        }
        if !insertion.isEmpty { edits.append(splicer.insertion(insertion, after: edits)) }
        return edits
    }

    /// The block's new content: matching expected lines as written, actual lines where nothing matched.
    static func mergedContent(_ comparison: OutputComparison) -> String {
        var lines: [String] = []
        for step in comparison.steps {
            switch step {
            case .matched(let pattern, _), .anyLines(let pattern, _):
                lines.append(comparison.pattern.rawLines[pattern])
            case .missing:
                continue
            case .unexpected(let line):
                lines.append(PatternLine.escapedLiteral(comparison.actualLines[line]))
            }
        }
        // A block's trailing blank lines are not read, but an unordered block's lines may come in any order: blank
        // ones that would end it go first instead (found by fuzzing: they were lost, and the block did not match).
        if comparison.pattern.isUnordered {
            var blank = 0
            while let last = lines.last, OutputLines.trimmingTrailingSpace(last).isEmpty {
                lines.removeLast()
                blank += 1
            }
            lines.insert(contentsOf: repeatElement("", count: blank), at: 0)
        }
        return lines.map { $0 + "\n" }.joined()
    }
}
