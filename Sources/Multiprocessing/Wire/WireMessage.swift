// The package's own messages — the start handshake and the manager's requests and replies — are written and read
// by hand, in the tags of the binary grammar (BinaryTag.swift), not through `Codable`.
//
// Why: `Codable` goes through existential containers and generic metadata that the Swift runtime instantiates on
// first use by scanning every protocol conformance in the executable. A fresh child does that for each type of
// the handshake before it runs anything (measured: about half of a spawned child's CPU time), and a manager call
// paid for it twice a call in boxes, retains and metadata-cache look-ups. Written by hand, these messages cost
// what their bytes cost. Values of the user's types still travel through `BinaryEncoder`, as bytes inside them.

/// A message of the package's own protocols, written and read without `Codable`.
protocol WireMessage {
    /// Appends this message's fields to `bytes`.
    func write(to bytes: inout [UInt8])
    /// Reads a message that ``write(to:)`` wrote.
    init(from reader: inout WireReader) throws(MultiprocessingError)
}

extension Array where Element == UInt8 {
    /// Appends a tagged signed integer.
    @inline(__always)
    mutating func appendTagged(_ value: Int) { appendTagged(Int64(value)) }

    /// Appends a tagged Boolean.
    @inline(__always)
    mutating func appendTagged(_ value: Bool) { append(value ? BinaryTag.true : BinaryTag.false) }

    /// Appends tagged raw bytes.
    @inline(__always)
    mutating func appendTagged(_ value: [UInt8]) {
        append(BinaryTag.bytes)
        appendVarint(UInt64(value.count))
        append(contentsOf: value)
    }

    /// Appends the header of a sequence of `count` values (which follow).
    @inline(__always)
    mutating func appendSequence(count: Int) {
        append(BinaryTag.unkeyed)
        appendVarint(UInt64(count))
    }
}

/// Reads a ``WireMessage``'s fields in order from a buffer that outlives it.
struct WireReader {
    private let buffer: UnsafeBufferPointer<UInt8>
    private var offset = 0

    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    /// Whether every byte has been read.
    var isAtEnd: Bool { offset == buffer.count }

    /// Leaves the rest unread (a message of another version, whose fields may differ).
    mutating func skipRest() { offset = buffer.count }

    private func corrupted(_ what: String) -> MultiprocessingError {
        MultiprocessingError(.codingFailed, "a malformed message: \(what) at byte \(offset)")
    }

    /// The next value's tag, without reading it.
    func peekTag() throws(MultiprocessingError) -> UInt8 {
        guard offset < buffer.count else { throw corrupted("unexpected end") }
        return buffer[offset]
    }

    private mutating func expect(_ tag: UInt8, _ what: String) throws(MultiprocessingError) {
        guard try peekTag() == tag else { throw corrupted("expected \(what), found tag \(buffer[offset])") }
        offset += 1
    }

    private mutating func varint() throws(MultiprocessingError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < buffer.count, shift < 64 else { throw corrupted("a bad varint") }
            let byte = buffer[offset]
            offset += 1
            result |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    private mutating func span() throws(MultiprocessingError) -> UnsafeBufferPointer<UInt8> {
        let length = try varint()
        guard length <= UInt64(buffer.count - offset) else { throw corrupted("a length beyond the message") }
        let start = offset
        offset += Int(length)
        return UnsafeBufferPointer(rebasing: buffer[start..<offset])
    }

    mutating func int() throws(MultiprocessingError) -> Int {
        try expect(BinaryTag.int, "an integer")
        let zigzag = try varint()
        let value = Int64(bitPattern: (zigzag >> 1) ^ (0 &- (zigzag & 1)))
        guard let result = Int(exactly: value) else { throw corrupted("an integer out of range") }
        return result
    }

    mutating func bool() throws(MultiprocessingError) -> Bool {
        switch try peekTag() {
        case BinaryTag.true: offset += 1; return true
        case BinaryTag.false: offset += 1; return false
        case let tag: throw corrupted("expected a Boolean, found tag \(tag)")
        }
    }

    mutating func double() throws(MultiprocessingError) -> Double {
        try expect(BinaryTag.double, "a double")
        guard buffer.count - offset >= 8 else { throw corrupted("unexpected end") }
        var bits: UInt64 = 0
        for index in 0..<8 { bits |= UInt64(buffer[offset + index]) << (8 * UInt64(index)) }
        offset += 8
        return Double(bitPattern: bits)
    }

    mutating func string() throws(MultiprocessingError) -> String {
        try expect(BinaryTag.string, "a string")
        return String(decoding: try span(), as: UTF8.self)
    }

    mutating func bytes() throws(MultiprocessingError) -> [UInt8] {
        try expect(BinaryTag.bytes, "bytes")
        return Array(try span())
    }

    /// A sequence's header: how many values follow.
    mutating func sequenceCount() throws(MultiprocessingError) -> Int {
        try expect(BinaryTag.unkeyed, "a sequence")
        let count = try varint()
        // Every value takes at least one byte: a count beyond the bytes left is corrupt, not a huge allocation.
        guard count <= UInt64(buffer.count - offset) else { throw corrupted("a count beyond the message") }
        return Int(count)
    }

    /// A `keyed` header: how many key-value pairs follow.
    mutating func pairCount() throws(MultiprocessingError) -> Int {
        try expect(BinaryTag.keyed, "pairs")
        let count = try varint()
        guard count <= UInt64(buffer.count - offset) / 2 else { throw corrupted("a count beyond the message") }
        return Int(count)
    }

    /// Reads a `null` tag if it is next; whether it was.
    mutating func null() throws(MultiprocessingError) -> Bool {
        guard try peekTag() == BinaryTag.null else { return false }
        offset += 1
        return true
    }
}

extension WireMessage {
    /// The message as bytes.
    func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        write(to: &bytes)
        return bytes
    }

    /// Reads a message that must fill `bytes` exactly.
    init(decoding bytes: UnsafeBufferPointer<UInt8>) throws(MultiprocessingError) {
        var reader = WireReader(bytes)
        self = try Self(from: &reader)
        guard reader.isAtEnd else {
            throw MultiprocessingError(.codingFailed, "a malformed message: bytes left after \(Self.self)")
        }
    }
}

extension Connection {
    /// Sends one of the package's own messages.
    func send<Message: WireMessage>(message: Message) throws(MultiprocessingError) {
        try sendFrame { frame in message.write(to: &frame) }
    }

    /// Receives one of the package's own messages; blocks until one arrives.
    func recv<Message: WireMessage>(message type: Message.Type) throws(MultiprocessingError) -> Message {
        try withNextMessage { (bytes) throws(MultiprocessingError) in try Message(decoding: bytes) }
    }
}
