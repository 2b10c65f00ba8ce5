/// A fenced code block as it stands in the lesson's source bytes.
///
/// Reports and `accept` rewrite lessons by splicing bytes at these ranges, so that everything outside the
/// blocks they replace stays exactly as the author wrote it.
public struct FencedBlock: Hashable, Sendable {
    /// The first character of the opening fence.
    public var location: SourceLocation
    /// The lines the block covers, from the opening fence to the closing fence (or the last line of its
    /// container when the fence is never closed).
    public var lines: ClosedRange<Int>
    /// The byte offsets in ``Lesson/source`` of those whole lines, line terminators included.
    public var byteRange: Range<Int>
    /// The bytes before the opening fence on its line: indentation and container markers such as `> ` or `- `.
    public var linePrefix: String
    /// The opening fence itself, for example "```" or "~~~~".
    public var fence: String
    /// The info string after the opening fence, trimmed.
    public var info: String
    /// The block's content with container prefixes removed, each line ending in "\n".
    public var content: String
    /// False when the document ended (or the block's container closed) before a closing fence.
    public var isClosed: Bool

    public init(
        location: SourceLocation, lines: ClosedRange<Int>, byteRange: Range<Int>, linePrefix: String, fence: String,
        info: String, content: String, isClosed: Bool
    ) {
        self.location = location
        self.lines = lines
        self.byteRange = byteRange
        self.linePrefix = linePrefix
        self.fence = fence
        self.info = info
        self.content = content
        self.isClosed = isClosed
    }

    /// The prefix for the block's second and later lines: the first line's prefix with list markers turned into
    /// spaces, so that `- ` becomes two spaces and `> ` stays `> `.
    public var continuationPrefix: String {
        String(linePrefix.map { $0 == ">" || $0 == " " || $0 == "\t" ? $0 : " " })
    }
}
