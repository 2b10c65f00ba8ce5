// The package's own messages — the start handshake and the manager's requests and replies — are written and read
// by hand, in the tags of the binary grammar (BinaryTag.swift), not through `Codable`.
//
// Why: `Codable` goes through existential containers and generic metadata that the Swift runtime instantiates on
// first use by scanning every protocol conformance in the executable. A fresh child does that for each type of
// the handshake before it runs anything (measured: about half of a spawned child's CPU time), and a manager call
// paid for it twice a call in boxes, retains and metadata-cache look-ups. Written by hand, these messages cost
// what their bytes cost. Values of the user's types still travel through `BinaryEncoder`, as bytes inside them.

/// A message of the package's own protocols, written and read without `Codable`.
package protocol WireMessage {
    /// Appends this message's fields to `bytes`.
    func write(to bytes: inout [UInt8])
    /// Reads a message that ``write(to:)`` wrote.
    init(from reader: inout WireReader) throws(MultiprocessingError)
}

/// Reads a ``WireMessage``'s fields in order from a buffer that outlives it, with the binary decoder's primitives
/// (``BinaryReader``).
package struct WireReader {
    private let reader: BinaryReader
    private var offset = 0
    /// How many containers (lists, dicts) enclose the value being read.
    private var depth = 0
    /// The deepest nesting read: each level is a frame of recursion, and a manager's server reads what a client
    /// sends (a list nested a million times is 2 MB, and would overflow the thread's stack).
    package static let maximumDepth = 512

    package init(_ buffer: UnsafeBufferPointer<UInt8>) {
        reader = BinaryReader(buffer, context: .plain)
    }

    /// Whether every byte has been read.
    package var isAtEnd: Bool { offset == reader.buffer.count }

    /// Leaves the rest unread (a message of another version, whose fields may differ).
    package mutating func skipRest() { offset = reader.buffer.count }

    private func malformed(_ error: any Error) -> MultiprocessingError {
        if let error = error as? MultiprocessingError { return error }
        let what = switch error as? DecodingError {
        case .dataCorrupted(let context)?, .typeMismatch(_, let context)?: context.debugDescription
        default: "\(error)"
        }
        return MultiprocessingError(.codingFailed, "a malformed message: \(what) at byte \(offset)")
    }

    /// Reads the value at the current offset with `read`, which returns it and the offset after it.
    private mutating func next<T>(_ read: (BinaryReader, Int) throws -> (T, Int)) throws(MultiprocessingError) -> T {
        do {
            let (value, end) = try read(reader, offset)
            offset = end
            return value
        } catch {
            throw malformed(error)
        }
    }

    /// The next value's tag, without reading it.
    package func peekTag() throws(MultiprocessingError) -> UInt8 {
        do { return try reader.tag(at: offset) } catch { throw malformed(error) }
    }

    package mutating func int() throws(MultiprocessingError) -> Int {
        try next { reader, at in (try reader.integer(Int.self, at: at, []), try reader.skip(at)) }
    }

    package mutating func bool() throws(MultiprocessingError) -> Bool {
        try next { reader, at in (try reader.bool(at: at, []), at + 1) }
    }

    package mutating func double() throws(MultiprocessingError) -> Double {
        try next { reader, at in (try reader.double(at: at, []), try reader.skip(at)) }
    }

    package mutating func string() throws(MultiprocessingError) -> String {
        try next { reader, at in (try reader.string(at: at, []), try reader.skip(at)) }
    }

    package mutating func bytes() throws(MultiprocessingError) -> [UInt8] {
        try next { reader, at in
            guard try reader.tag(at: at) == BinaryTag.bytes else { throw reader.mismatch([UInt8].self, at: at, []) }
            let (range, end) = try reader.span(at: at + 1)
            return (Array(UnsafeBufferPointer(rebasing: reader.buffer[range])), end)
        }
    }

    /// A sequence's header: how many values follow.
    package mutating func sequenceCount() throws(MultiprocessingError) -> Int {
        try count(after: BinaryTag.unkeyed, bytesPerEntry: 1)
    }

    /// A `keyed` header: how many key-value pairs follow.
    package mutating func pairCount() throws(MultiprocessingError) -> Int {
        try count(after: BinaryTag.keyed, bytesPerEntry: 2)
    }

    /// The count after a `tag`. Every value takes at least one byte: a count beyond the bytes left is corrupt, not
    /// a huge allocation.
    private mutating func count(after tag: UInt8, bytesPerEntry: UInt64) throws(MultiprocessingError) -> Int {
        try next { reader, at in
            guard try reader.tag(at: at) == tag else { throw reader.mismatch([Any].self, at: at, []) }
            let (count, end) = try reader.varint(at: at + 1)
            guard count <= UInt64(reader.buffer.count - end) / bytesPerEntry else {
                throw MultiprocessingError(.codingFailed, "a malformed message: a count beyond the message")
            }
            return (Int(count), end)
        }
    }

    /// Reads a nested container's contents with `body`, one level deeper.
    ///
    /// - Throws: ``MultiprocessingError/Code/codingFailed`` beyond ``maximumDepth`` levels.
    package mutating func nested<T>(_ body: (inout WireReader) throws(MultiprocessingError) -> T)
        throws(MultiprocessingError) -> T {
        guard depth < Self.maximumDepth else {
            throw MultiprocessingError(.codingFailed, "a malformed message: values nested more than "
                + "\(Self.maximumDepth) deep at byte \(offset)")
        }
        depth += 1
        defer { depth -= 1 }
        return try body(&self)
    }

    /// Reads a `null` tag if it is next; whether it was.
    package mutating func null() throws(MultiprocessingError) -> Bool {
        guard try peekTag() == BinaryTag.null else { return false }
        offset += 1
        return true
    }
}

extension WireMessage {
    /// The message as bytes.
    package func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        write(to: &bytes)
        return bytes
    }

    /// Reads a message that must fill `bytes` exactly.
    package init(decoding bytes: UnsafeBufferPointer<UInt8>) throws(MultiprocessingError) {
        var reader = WireReader(bytes)
        self = try Self(from: &reader)
        guard reader.isAtEnd else {
            throw MultiprocessingError(.codingFailed, "a malformed message: bytes left after \(Self.self)")
        }
    }
}

extension Connection {
    /// Sends one of the package's own messages.
    package func send<Message: WireMessage>(message: Message) throws(MultiprocessingError) {
        try sendFrame { frame, _ in message.write(to: &frame) }
    }

    /// Receives one of the package's own messages, waiting up to `timeout` for it (`nil`: as long as it takes).
    ///
    /// - Throws: ``MultiprocessingError/Code/timedOut`` when none has arrived within `timeout`; otherwise as
    ///   ``recv(_:)``.
    package func recv<Message: WireMessage>(message type: Message.Type, timeout: Duration? = nil)
        throws(MultiprocessingError) -> Message {
        try withNextMessage(deadline: timeout.map { ContinuousClock.now.advanced(by: $0) }) {
            (bytes) throws(MultiprocessingError) in try Message(decoding: bytes)
        }
    }
}
