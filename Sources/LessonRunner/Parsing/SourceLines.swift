/// The lines of a lesson's bytes, split where CommonMark splits them: at "\n", "\r\n" or a lone "\r".
struct SourceLines: Sendable {
    /// One line: where its content starts and ends, and where its terminator ends.
    struct Line: Hashable, Sendable {
        /// The offset of the line's first byte.
        var start: Int
        /// The offset just past the line's content, before its terminator.
        var contentEnd: Int
        /// The offset just past the line's terminator (equal to `contentEnd` on a last line without one).
        var end: Int
    }

    /// The bytes the lines index.
    let bytes: [UInt8]
    /// The lines in order; `lines[0]` is line 1. A file ending in a terminator has no empty line after it.
    let lines: [Line]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var lines: [Line] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                lines.append(Line(start: start, contentEnd: index, end: index + 1))
                index += 1
                start = index
            } else if byte == UInt8(ascii: "\r") {
                let end = index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\n") ? index + 2 : index + 1
                lines.append(Line(start: start, contentEnd: index, end: end))
                index = end
                start = index
            } else {
                index += 1
            }
        }
        if start < bytes.count { lines.append(Line(start: start, contentEnd: bytes.count, end: bytes.count)) }
        self.lines = lines
    }

    /// The number of lines.
    var count: Int { lines.count }

    /// Line `number` (from 1), or `nil` past the end.
    func line(_ number: Int) -> Line? {
        number >= 1 && number <= lines.count ? lines[number - 1] : nil
    }

    /// The content bytes of line `number` (from 1), without its terminator; empty past the end.
    func content(ofLine number: Int) -> ArraySlice<UInt8> {
        guard let line = line(number) else { return [] }
        return bytes[line.start..<line.contentEnd]
    }

    /// The 1-based line and byte column of the byte at `offset`.
    func position(ofOffset offset: Int) -> (line: Int, column: Int) {
        var low = 0
        var high = lines.count - 1
        guard high >= 0 else { return (1, offset + 1) }
        while low < high {
            let middle = (low + high + 1) / 2
            if lines[middle].start <= offset { low = middle } else { high = middle - 1 }
        }
        return (low + 1, offset - lines[low].start + 1)
    }
}
