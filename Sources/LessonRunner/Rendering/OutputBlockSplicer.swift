/// Writes a cell's `output` and `stderr` blocks into the lesson's source bytes, for reports and `lesson accept`.
///
/// Replaced blocks keep their container prefix, fence character and info string; new blocks and other text go
/// right after the cell's last block, with the cell's container prefix (`> `, list indentation) and the file's
/// line endings (CRLF when the cell's fence line ends so). Nothing else in the source changes.
struct OutputBlockSplicer {
    let cell: Cell
    let source: [UInt8]
    /// "\r\n" when the cell's fence line ends so, else "\n".
    let newline: String
    /// The prefix of lines inserted after the cell.
    let prefix: String

    init(cell: Cell, source: [UInt8]) {
        self.cell = cell
        self.source = source
        newline = Self.lineEnding(of: cell.block, in: source)
        prefix = cell.block.continuationPrefix
    }

    /// A blank line in the cell's container.
    var blankLine: String { Self.trimmingTrailingSpace(prefix) + newline }

    /// The edit that replaces an expected block's content with `content` (lines ending in "\n").
    ///
    /// - Parameter keepFenceLength: Whether the block keeps a fence longer than three characters.
    func replacing(_ expected: ExpectedOutput, with content: String, keepFenceLength: Bool) -> SourceEdit {
        let fenceCharacter = expected.block.fence.first ?? "`"
        var block = FencedText(info: expected.block.info, content: content, fenceCharacter: fenceCharacter)
        if keepFenceLength { block.minimumFenceLength = expected.block.fence.count }
        let replacement = block.lines(
            firstPrefix: expected.block.linePrefix, prefix: expected.block.continuationPrefix,
            newline: newline, closeLine: Self.endsWithLineBreak(expected.block, in: source))
        return SourceEdit(range: expected.block.byteRange, replacement: replacement)
    }

    /// The edit that puts `code` into the cell's own block, keeping its prefix, fence and info string.
    func fillingCell(with code: String) -> SourceEdit {
        let block = cell.block
        var text = FencedText(info: block.info, content: code, fenceCharacter: block.fence.first ?? "`")
        text.minimumFenceLength = block.fence.count
        let replacement = text.lines(
            firstPrefix: block.linePrefix, prefix: block.continuationPrefix, newline: newline,
            closeLine: Self.endsWithLineBreak(block, in: source))
        return SourceEdit(range: block.byteRange, replacement: replacement)
    }

    /// A new block for `stream`, preceded by a blank line, to pass to ``insertion(_:)``.
    func newBlock(for stream: OutputStream, content: String) -> String {
        let block = FencedText(info: stream == .stdout ? "output" : "stderr", content: content, fenceCharacter: "`")
        return blankLine + block.lines(firstPrefix: prefix, prefix: prefix, newline: newline, closeLine: true)
    }

    /// A line of text after a blank line, to pass to ``insertion(_:)``.
    func paragraph(_ text: String) -> String { blankLine + prefix + text + newline }

    /// The edit that inserts `text` (whole lines) right after the cell's last block: the cell, or its `output`
    /// or `stderr` block. That block is closed first when it was left open, unless one of `edits` (made by this
    /// splicer, which always close their blocks) replaces it.
    func insertion(_ text: String, after edits: [SourceEdit] = []) -> SourceEdit {
        var text = text
        let after = [cell.block, cell.expectedOutput?.block, cell.expectedError?.block].compactMap { $0 }
            .max { $0.byteRange.upperBound < $1.byteRange.upperBound }!
        let position = after.byteRange.upperBound
        // A block left open runs to the end of its container: close it first, or what follows would be read as its
        // content (found by fuzzing: a lesson ending in an unclosed cell got its new blocks inside the cell).
        if !after.isClosed && !edits.contains(where: { $0.range == after.byteRange }) {
            text = after.continuationPrefix + after.fence + newline + text
        }
        if !Self.endsWithLineBreak(after, in: source) { text = newline + text }
        // Inserted text right before a paragraph would join it.
        if !Self.lineIsBlank(at: position, in: source) { text += blankLine }
        return SourceEdit(range: position..<position, replacement: text)
    }

    static func endsWithLineBreak(_ block: FencedBlock, in source: [UInt8]) -> Bool {
        block.byteRange.upperBound > block.byteRange.lowerBound
            && (source[block.byteRange.upperBound - 1] == UInt8(ascii: "\n")
                || source[block.byteRange.upperBound - 1] == UInt8(ascii: "\r"))
    }

    /// Whether the line that starts at `offset` holds nothing but container markers and spaces (or is past the end).
    static func lineIsBlank(at offset: Int, in source: [UInt8]) -> Bool {
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

    static func trimmingTrailingSpace(_ text: String) -> String {
        var text = Substring(text)
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
