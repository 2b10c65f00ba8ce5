/// Which of a child's output streams a chunk came from.
public enum OutputStream: String, Hashable, Sendable {
    /// Standard output, file descriptor 1.
    case stdout
    /// Standard error, file descriptor 2.
    case stderr
}

/// What a cell printed on one stream, kept up to a limit.
public struct CapturedStream: Hashable, Sendable {
    /// The bytes kept, from the start of the stream.
    public var bytes: [UInt8] = []
    /// How many bytes arrived after the limit and were dropped.
    public var droppedByteCount = 0

    public init(bytes: [UInt8] = [], droppedByteCount: Int = 0) {
        self.bytes = bytes
        self.droppedByteCount = droppedByteCount
    }

    /// Whether anything was printed at all.
    public var isEmpty: Bool { bytes.isEmpty && droppedByteCount == 0 }

    /// Whether the stream was cut at the limit.
    public var isTruncated: Bool { droppedByteCount > 0 }

    /// The kept bytes as text; each invalid UTF-8 sequence shows as U+FFFD (�), visibly, never dropped.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Whether the kept bytes hold invalid UTF-8 (which ``text`` shows as U+FFFD).
    ///
    /// A multi-byte character split by the limit at the very end is not counted as invalid.
    public var hasInvalidUTF8: Bool {
        var bytes = self.bytes[...]
        if isTruncated, let lastLead = bytes.lastIndex(where: { $0 & 0xC0 != 0x80 }), bytes.endIndex - lastLead < 4 {
            bytes = bytes[..<lastLead]
        }
        return String(validating: bytes, as: UTF8.self) == nil
    }
}

/// One read from one stream, in arrival order: `range` indexes that stream's ``CapturedStream/bytes``.
public struct OutputChunk: Hashable, Sendable {
    /// The stream the bytes came from.
    public var stream: OutputStream
    /// Where the bytes are in that stream's kept bytes.
    public var range: Range<Int>
}

/// Everything a cell printed: each stream on its own, and the order in which their chunks arrived.
public struct CapturedOutput: Hashable, Sendable {
    /// Standard output.
    public var stdout = CapturedStream()
    /// Standard error.
    public var stderr = CapturedStream()
    /// The kept chunks of both streams, in arrival order.
    public var chunks: [OutputChunk] = []

    public init() {}

    /// The bytes of both streams, interleaved as they arrived (as a terminal would have shown them).
    public var interleaved: [UInt8] {
        chunks.flatMap { chunk in
            chunk.stream == .stdout ? stdout.bytes[chunk.range] : stderr.bytes[chunk.range]
        }
    }

    /// The stream's capture.
    public subscript(stream: OutputStream) -> CapturedStream {
        get { stream == .stdout ? stdout : stderr }
        set {
            if stream == .stdout { stdout = newValue } else { stderr = newValue }
        }
    }

    /// Appends what one read returned, keeping at most `limit` bytes per stream.
    mutating func append(_ bytes: some Collection<UInt8>, from stream: OutputStream, limit: Int) {
        var capture = self[stream]
        let room = max(0, limit - capture.bytes.count)
        let kept = bytes.prefix(room)
        if !kept.isEmpty {
            let start = capture.bytes.count
            capture.bytes.append(contentsOf: kept)
            chunks.append(OutputChunk(stream: stream, range: start..<capture.bytes.count))
        }
        capture.droppedByteCount += bytes.count - kept.count
        self[stream] = capture
    }
}
