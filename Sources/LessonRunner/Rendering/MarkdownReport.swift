/// The Markdown report: the lesson as written, with each cell's actual output in an `output` block under it
/// (and a `stderr` block when it wrote to stderr), followed by a one-line status.
///
/// Everything outside the output blocks it replaces stays byte for byte as the author wrote it: the report splices
/// into the source at the blocks' byte ranges rather than re-rendering through cmark's CommonMark renderer, which
/// normalises text. New blocks take the cell's container prefix (`> `, list indentation) and line endings.
public struct MarkdownReport: Sendable {
    public init() {}

    /// Renders the report for a lesson run.
    public func render(_ run: LessonRunResult) -> [UInt8] {
        var edits: [SourceEdit] = []
        for cell in run.lesson.cells {
            guard let result = run.result(for: cell.id) else { continue }
            edits += self.edits(for: cell, result: result, source: run.lesson.source)
        }
        return SourceEdit.apply(edits, to: run.lesson.source)
    }

    private func edits(for cell: Cell, result: CellResult, source: [UInt8]) -> [SourceEdit] {
        let newline = Self.lineEnding(of: cell.block, in: source)
        var edits: [SourceEdit] = []
        var insertion = ""
        let prefix = cell.block.continuationPrefix
        let blankLine = Self.trimmingTrailingSpace(prefix) + newline

        if result.status != .skipped {
            let streams: [(OutputStream, ExpectedOutput?)] = [
                (.stdout, cell.expectedOutput), (.stderr, cell.expectedError),
            ]
            for (stream, expected) in streams {
                let text = TerminalText.plain(result.output[stream].text)
                if let expected {
                    let block = FencedText(
                        info: expected.block.info, content: text, fenceCharacter: expected.block.fence.first ?? "`")
                    let replacement = block.lines(
                        firstPrefix: expected.block.linePrefix, prefix: expected.block.continuationPrefix,
                        newline: newline, closeLine: Self.endsWithLineBreak(expected.block, in: source))
                    edits.append(SourceEdit(range: expected.block.byteRange, replacement: replacement))
                } else if !text.isEmpty {
                    let block = FencedText(
                        info: stream == .stdout ? "output" : "stderr", content: text, fenceCharacter: "`")
                    insertion += blankLine
                    insertion += block.lines(firstPrefix: prefix, prefix: prefix, newline: newline, closeLine: true)
                }
            }
        }
        insertion += blankLine + prefix + "*" + MarkdownText.escaped(StatusLine.text(for: result)) + "*" + newline

        let after = [cell.block, cell.expectedOutput?.block, cell.expectedError?.block].compactMap { $0 }
            .max { $0.byteRange.upperBound < $1.byteRange.upperBound }!
        let position = after.byteRange.upperBound
        if !Self.endsWithLineBreak(after, in: source) { insertion = newline + insertion }
        // A status line right before text would join it into one paragraph.
        if !Self.lineIsBlank(at: position, in: source) { insertion += blankLine }
        edits.append(SourceEdit(range: position..<position, replacement: insertion))
        return edits
    }

    private static func endsWithLineBreak(_ block: FencedBlock, in source: [UInt8]) -> Bool {
        block.byteRange.upperBound > block.byteRange.lowerBound
            && (source[block.byteRange.upperBound - 1] == UInt8(ascii: "\n")
                || source[block.byteRange.upperBound - 1] == UInt8(ascii: "\r"))
    }

    /// Whether the line that starts at `offset` holds nothing but container markers and spaces (or is past the end).
    private static func lineIsBlank(at offset: Int, in source: [UInt8]) -> Bool {
        for byte in source[offset...] {
            switch byte {
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"): return true
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: ">"): continue
            default: return false
            }
        }
        return true
    }

    /// "\r\n" when the block's first line ends so, else "\n".
    static func lineEnding(of block: FencedBlock, in source: [UInt8]) -> String {
        guard let newlineIndex = source[block.byteRange].firstIndex(of: UInt8(ascii: "\n")) else { return "\n" }
        return newlineIndex > block.byteRange.lowerBound && source[newlineIndex - 1] == UInt8(ascii: "\r")
            ? "\r\n" : "\n"
    }

    private static func trimmingTrailingSpace(_ text: String) -> String {
        var text = Substring(text)
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}

/// A replacement of a byte range of a lesson's source.
struct SourceEdit {
    var range: Range<Int>
    var replacement: [UInt8]

    init(range: Range<Int>, replacement: String) {
        self.range = range
        self.replacement = Array(replacement.utf8)
    }

    /// Applies non-overlapping edits; insertions at the same offset keep their order.
    static func apply(_ edits: [SourceEdit], to source: [UInt8]) -> [UInt8] {
        let ordered = edits.enumerated().sorted {
            ($0.element.range.lowerBound, $0.offset) < ($1.element.range.lowerBound, $1.offset)
        }.map(\.element)
        var result: [UInt8] = []
        result.reserveCapacity(source.count + ordered.reduce(0) { $0 + $1.replacement.count })
        var position = 0
        for edit in ordered {
            precondition(edit.range.lowerBound >= position, "overlapping source edits")
            result += source[position..<edit.range.lowerBound]
            result += edit.replacement
            position = edit.range.upperBound
        }
        result += source[position...]
        return result
    }
}
