/// Turns cmark's fenced code block nodes into ``FencedBlock``s with exact lines and byte ranges.
///
/// cmark's start position of a fenced code block is the opening fence's first character, and for a closed block
/// its end line is the closing fence's line. For a block that is never closed, cmark's end is wherever the parser
/// noticed the container ended: the end of the document, or a later line that belongs to another block (a lazy
/// paragraph line, the next list item). So the closing fence is checked against the source: a closed block's
/// content has exactly as many lines as its literal has "\n", its closing fence stands on the very next line,
/// that line ends in a run of at least as many fence characters, and no other node starts on it.
struct FencedBlockLocator {
    /// A located block and where its info string stands, for column-exact diagnostics.
    struct Located: Sendable {
        /// The block.
        var block: FencedBlock
        /// The bytes after the opening fence on its line, untrimmed.
        var infoBytes: ArraySlice<UInt8>
        /// The 1-based byte column of `infoBytes`' first byte.
        var infoColumn: Int
    }

    let lines: SourceLines
    let file: String
    /// The start line of every node in the document.
    let nodeStartLines: Set<Int>

    init(lines: SourceLines, file: String, document: MarkdownNode) {
        self.lines = lines
        self.file = file
        self.nodeStartLines = Set(document.allNodes.map(\.start.line))
    }

    /// The block for a fenced code block node, or `nil` for any other node.
    func locate(_ node: MarkdownNode) -> Located? {
        guard node.kind == .codeBlock, let fence = node.fence,
            let fenceByte = fence.character.asciiValue, let line = lines.line(node.start.line)
        else { return nil }
        let bytes = lines.bytes
        let fenceStart = fenceOffset(in: line, node: node, fenceByte: fenceByte, length: fence.length)
        var runEnd = fenceStart
        while runEnd < line.contentEnd, bytes[runEnd] == fenceByte { runEnd += 1 }

        let content = node.literal ?? ""
        let contentLineCount = content.utf8.count { $0 == UInt8(ascii: "\n") }
        let candidate = node.start.line + contentLineCount + 1
        let isClosed = node.end.line == candidate && !nodeStartLines.contains(candidate)
            && endsInClosingFence(candidate, fenceByte: fenceByte, length: runEnd - fenceStart)
        let lastLine = isClosed ? candidate : min(node.start.line + contentLineCount, lines.count)
        let range = line.start..<(lines.line(lastLine)?.end ?? line.end)

        let info = bytes[runEnd..<line.contentEnd]
        let block = FencedBlock(
            location: SourceLocation(file: file, line: node.start.line, column: fenceStart - line.start + 1),
            lines: node.start.line...max(lastLine, node.start.line),
            byteRange: range,
            linePrefix: String(decoding: bytes[line.start..<fenceStart], as: UTF8.self),
            fence: String(decoding: bytes[fenceStart..<runEnd], as: UTF8.self),
            info: String(decoding: info.trimmingSpacesAndTabs(), as: UTF8.self),
            content: content,
            isClosed: isClosed
        )
        return Located(block: block, infoBytes: info, infoColumn: runEnd - line.start + 1)
    }

    /// The offset of the opening fence: cmark's start column when a fence run stands there, otherwise the first
    /// long enough run of fence characters on the line.
    private func fenceOffset(in line: SourceLines.Line, node: MarkdownNode, fenceByte: UInt8, length: Int) -> Int {
        let bytes = lines.bytes
        func isRun(at offset: Int) -> Bool {
            offset + length <= line.contentEnd && bytes[offset..<(offset + length)].allSatisfy { $0 == fenceByte }
                && (offset == line.start || bytes[offset - 1] != fenceByte)
        }
        let reported = line.start + node.start.column - 1
        if reported >= line.start, isRun(at: reported) { return reported }
        return (line.start..<line.contentEnd).first(where: isRun) ?? min(max(reported, line.start), line.contentEnd)
    }

    /// Whether line `number` ends in at least `length` fence characters, trailing spaces and tabs aside.
    private func endsInClosingFence(_ number: Int, fenceByte: UInt8, length: Int) -> Bool {
        let content = lines.content(ofLine: number).trimmingSpacesAndTabs()
        return content.reversed().prefix { $0 == fenceByte }.count >= length
    }
}

extension ArraySlice<UInt8> {
    /// The slice without leading and trailing spaces and tabs.
    func trimmingSpacesAndTabs() -> ArraySlice<UInt8> {
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
