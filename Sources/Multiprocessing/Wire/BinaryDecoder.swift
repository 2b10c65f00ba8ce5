/// Decodes values that ``BinaryEncoder`` encoded.
///
/// ```swift
/// let value = try BinaryDecoder().decode([Int?].self, from: bytes)
/// ```
public struct BinaryDecoder {
    /// Values the types being decoded can read from their decoder's `userInfo`.
    public var userInfo: [CodingUserInfoKey: Any] {
        get { context.userInfo }
        set { context = BinaryCodingContext(userInfo: newValue, transfer: context.transfer) }
    }

    /// The user info, and the descriptors a process's arguments received.
    var context = BinaryCodingContext.plain

    /// A decoder with no user info.
    public init() {}

    /// A decoder for a process's arguments: ``Connection``s and the like in them take their descriptors from
    /// `transfer`.
    init(transfer: DescriptorTransfer) {
        context = BinaryCodingContext(transfer: transfer)
    }

    /// Decodes a `T` from `bytes`, which must hold exactly one encoded value.
    ///
    /// - Throws: `DecodingError` when the bytes are not an encoded `T`, or hold more than one value.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try bytes.withUnsafeBufferPointer { buffer in
            try decode(type, from: buffer)
        }
    }

    /// Decodes a `T` from `buffer`, which must hold exactly one encoded value and stay valid during the call.
    ///
    /// - Throws: `DecodingError` when the bytes are not an encoded `T`, or hold more than one value.
    public func decode<T: Decodable>(_ type: T.Type, from buffer: UnsafeBufferPointer<UInt8>) throws -> T {
        let reader = BinaryReader(buffer, context: context)
        let end = try reader.skip(0)
        guard end == buffer.count else { throw reader.corrupted("\(buffer.count - end) bytes after the value", []) }
        return try reader.value(type, at: 0, codingPath: [])
    }
}

/// Reads encoded values out of a buffer that outlives the decoding. Every decoder and container of one decoding
/// shares it, and reaches the decoding's context through it rather than holding (and retaining) its own.
final class BinaryReader {
    let buffer: UnsafeBufferPointer<UInt8>
    let context: BinaryCodingContext

    init(_ buffer: UnsafeBufferPointer<UInt8>, context: BinaryCodingContext) {
        self.buffer = buffer
        self.context = context
    }

    func corrupted(_ what: String, _ codingPath: [any CodingKey]) -> DecodingError {
        DecodingError.dataCorrupted(DecodingError.Context(codingPath: codingPath, debugDescription: what))
    }

    @inline(__always)
    func tag(at offset: Int) throws -> UInt8 {
        guard offset < buffer.count else { throw corrupted("unexpected end of data", []) }
        return buffer[offset]
    }

    /// A varint at `offset`, and the offset after it.
    @inline(__always)
    func varint(at offset: Int) throws -> (UInt64, Int) {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var position = offset
        while true {
            guard position < buffer.count, shift < 64 else { throw corrupted("bad varint", []) }
            let byte = buffer[position]
            position += 1
            result |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return (result, position) }
            shift += 7
        }
    }

    /// A length-prefixed byte range at `offset` (no tag), and the offset after it.
    @inline(__always)
    func span(at offset: Int) throws -> (Range<Int>, Int) {
        let (length, start) = try varint(at: offset)
        guard length <= UInt64(buffer.count - start) else { throw corrupted("length beyond the data", []) }
        let end = start + Int(length)
        return (start..<end, end)
    }

    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
    }

    /// The offset after the value that starts at `offset`.
    func skip(_ offset: Int) throws -> Int {
        switch try tag(at: offset) {
        case BinaryTag.null, BinaryTag.false, BinaryTag.true:
            return offset + 1
        case BinaryTag.int, BinaryTag.uint:
            return try varint(at: offset + 1).1
        case BinaryTag.double:
            guard offset + 9 <= buffer.count else { throw corrupted("unexpected end of data", []) }
            return offset + 9
        case BinaryTag.float:
            guard offset + 5 <= buffer.count else { throw corrupted("unexpected end of data", []) }
            return offset + 5
        case BinaryTag.string, BinaryTag.bytes:
            return try span(at: offset + 1).1
        case BinaryTag.unkeyed:
            var (count, position) = try varint(at: offset + 1)
            while count > 0 {
                position = try skip(position)
                count -= 1
            }
            return position
        case BinaryTag.keyed:
            var (count, position) = try varint(at: offset + 1)
            while count > 0 {
                position = try skip(span(at: position).1)
                count -= 1
            }
            return position
        case let tag:
            throw corrupted("unknown tag \(tag)", [])
        }
    }

    // MARK: Primitives at an offset

    func isNil(at offset: Int) -> Bool { offset < buffer.count && buffer[offset] == BinaryTag.null }

    func bool(at offset: Int, _ codingPath: [any CodingKey]) throws -> Bool {
        switch try tag(at: offset) {
        case BinaryTag.true: return true
        case BinaryTag.false: return false
        default: throw mismatch(Bool.self, at: offset, codingPath)
        }
    }

    func integer<T: FixedWidthInteger>(_ type: T.Type, at offset: Int, _ codingPath: [any CodingKey]) throws -> T {
        let tag = try tag(at: offset)
        if tag == BinaryTag.int {
            let raw = try varint(at: offset + 1).0
            let value = Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
            if let result = T(exactly: value) { return result }
        } else if tag == BinaryTag.uint {
            if let result = T(exactly: try varint(at: offset + 1).0) { return result }
        } else {
            throw mismatch(type, at: offset, codingPath)
        }
        throw corrupted("number does not fit in \(type)", codingPath)
    }

    func double(at offset: Int, _ codingPath: [any CodingKey]) throws -> Double {
        switch try tag(at: offset) {
        case BinaryTag.double:
            guard offset + 9 <= buffer.count else { throw corrupted("unexpected end of data", codingPath) }
            var bits: UInt64 = 0
            for index in 0..<8 { bits |= UInt64(buffer[offset + 1 + index]) << (8 * UInt64(index)) }
            return Double(bitPattern: bits)
        case BinaryTag.float:
            return Double(try float(at: offset, codingPath))
        case BinaryTag.int, BinaryTag.uint:
            return Double(try integer(Int64.self, at: offset, codingPath))
        default:
            throw mismatch(Double.self, at: offset, codingPath)
        }
    }

    func float(at offset: Int, _ codingPath: [any CodingKey]) throws -> Float {
        guard try tag(at: offset) == BinaryTag.float else { return Float(try double(at: offset, codingPath)) }
        guard offset + 5 <= buffer.count else { throw corrupted("unexpected end of data", codingPath) }
        var bits: UInt32 = 0
        for index in 0..<4 { bits |= UInt32(buffer[offset + 1 + index]) << (8 * UInt32(index)) }
        return Float(bitPattern: bits)
    }

    func string(at offset: Int, _ codingPath: [any CodingKey]) throws -> String {
        guard try tag(at: offset) == BinaryTag.string else { throw mismatch(String.self, at: offset, codingPath) }
        return string(try span(at: offset + 1).0)
    }

    func mismatch(_ type: Any.Type, at offset: Int, _ codingPath: [any CodingKey]) -> DecodingError {
        let found = offset < buffer.count ? "tag \(buffer[offset])" : "the end of the data"
        return DecodingError.typeMismatch(
            type, DecodingError.Context(codingPath: codingPath, debugDescription: "expected \(type), found \(found)"))
    }

    /// Decodes a `T` from the value at `offset`.
    @inline(__always)
    func value<T: Decodable>(
        _ type: T.Type, at offset: Int, codingPath: [any CodingKey]
    ) throws -> T {
        switch T.self {
        case is String.Type: return try string(at: offset, codingPath) as! T
        case is Int.Type: return try integer(Int.self, at: offset, codingPath) as! T
        case is Bool.Type: return try bool(at: offset, codingPath) as! T
        case is Double.Type: return try double(at: offset, codingPath) as! T
        case is Empty.Type:
            // As its synthesized `init(from:)`: any keyed container, its keys ignored.
            guard try tag(at: offset) == BinaryTag.keyed else {
                throw mismatch([String: Any].self, at: offset, codingPath)
            }
            return Empty() as! T
        case is [UInt8].Type:
            guard try tag(at: offset) == BinaryTag.bytes else { break }
            return Array(UnsafeBufferPointer(rebasing: buffer[try span(at: offset + 1).0])) as! T
        default: break
        }
        return try T(from: _BinaryDecoder(reader: self, offset: offset, codingPath: codingPath))
    }
}

struct _BinaryDecoder: Decoder {
    let reader: BinaryReader
    let offset: Int
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { reader.context.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard try reader.tag(at: offset) == BinaryTag.keyed else {
            throw reader.mismatch([String: Any].self, at: offset, codingPath)
        }
        var (count, position) = try reader.varint(at: offset + 1)
        var entries: [KeyedEntry] = []
        entries.reserveCapacity(Int(min(count, 64)))
        while count > 0 {
            let (key, valueOffset) = try reader.span(at: position)
            entries.append(KeyedEntry(keyStart: key.lowerBound, keyEnd: key.upperBound, value: valueOffset))
            position = try reader.skip(valueOffset)
            count -= 1
        }
        return KeyedDecodingContainer(_BinaryKeyedDecoding<Key>(
            reader: reader, entries: entries, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard try reader.tag(at: offset) == BinaryTag.unkeyed else {
            throw reader.mismatch([Any].self, at: offset, codingPath)
        }
        let (count, position) = try reader.varint(at: offset + 1)
        return _BinaryUnkeyedDecoding(
            reader: reader, position: position, count: Int(count), codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        _BinarySingleDecoding(reader: reader, offset: offset, codingPath: codingPath)
    }
}

struct _BinarySingleDecoding: SingleValueDecodingContainer {
    let reader: BinaryReader
    let offset: Int
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { reader.context.userInfo }

    func decodeNil() -> Bool { reader.isNil(at: offset) }
    func decode(_ type: Bool.Type) throws -> Bool { try reader.bool(at: offset, codingPath) }
    func decode(_ type: String.Type) throws -> String { try reader.string(at: offset, codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try reader.double(at: offset, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { try reader.float(at: offset, codingPath) }
    func decode(_ type: Int.Type) throws -> Int { try reader.integer(type, at: offset, codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try reader.integer(type, at: offset, codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try reader.integer(type, at: offset, codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try reader.integer(type, at: offset, codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try reader.integer(type, at: offset, codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try reader.integer(type, at: offset, codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try reader.integer(type, at: offset, codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try reader.integer(type, at: offset, codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try reader.integer(type, at: offset, codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try reader.integer(type, at: offset, codingPath) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try reader.value(type, at: offset, codingPath: codingPath)
    }
}

struct _BinaryUnkeyedDecoding: UnkeyedDecodingContainer {
    let reader: BinaryReader
    var position: Int
    let total: Int
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { reader.context.userInfo }
    var currentIndex = 0

    init(reader: BinaryReader, position: Int, count: Int, codingPath: [any CodingKey]) {
        self.reader = reader
        self.position = position
        self.total = count
        self.codingPath = codingPath
    }

    var count: Int? { total }
    var isAtEnd: Bool { currentIndex >= total }

    private mutating func next() throws -> Int {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any.self, DecodingError.Context(
                codingPath: codingPath, debugDescription: "no element \(currentIndex) in an array of \(total)"))
        }
        let offset = position
        position = try reader.skip(offset)
        currentIndex += 1
        return offset
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, reader.isNil(at: position) else { return false }
        position += 1
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try reader.bool(at: next(), codingPath) }
    mutating func decode(_ type: String.Type) throws -> String { try reader.string(at: next(), codingPath) }
    mutating func decode(_ type: Double.Type) throws -> Double { try reader.double(at: next(), codingPath) }
    mutating func decode(_ type: Float.Type) throws -> Float { try reader.float(at: next(), codingPath) }
    mutating func decode(_ type: Int.Type) throws -> Int { try reader.integer(type, at: next(), codingPath) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try reader.integer(type, at: next(), codingPath) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try reader.integer(type, at: next(), codingPath) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try reader.integer(type, at: next(), codingPath) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try reader.integer(type, at: next(), codingPath) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try reader.integer(type, at: next(), codingPath) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try reader.integer(type, at: next(), codingPath) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try reader.integer(type, at: next(), codingPath) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try reader.integer(type, at: next(), codingPath) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try reader.integer(type, at: next(), codingPath) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try reader.value(type, at: next(), codingPath: codingPath)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey> {
        try nestedDecoder().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try nestedDecoder().unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder { try nestedDecoder() }

    private mutating func nestedDecoder() throws -> _BinaryDecoder {
        _BinaryDecoder(reader: reader, offset: try next(), codingPath: codingPath)
    }
}

/// Where one key and its value are in the buffer. Plain integers rather than a `Range<Int>`: a container's metadata
/// would otherwise need `Int`'s `Comparable` conformance, looked up at run time the first time a child decodes.
struct KeyedEntry {
    let keyStart: Int
    let keyEnd: Int
    let value: Int

    var key: Range<Int> { keyStart..<keyEnd }
}

struct _BinaryKeyedDecoding<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let reader: BinaryReader
    let entries: [KeyedEntry]
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { reader.context.userInfo }

    var allKeys: [Key] { entries.compactMap { Key(stringValue: reader.string($0.key)) } }

    private func find(_ name: String) -> Int? {
        var name = name
        return name.withUTF8 { wanted in
            for entry in entries where entry.keyEnd - entry.keyStart == wanted.count {
                if memcmpEqual(reader.buffer, entry.key, wanted) { return entry.value }
            }
            return nil
        }
    }

    private func memcmpEqual(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>,
                             _ wanted: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        for position in range {
            if buffer[position] != wanted[index] { return false }
            index += 1
        }
        return true
    }

    private func offset(_ key: Key) throws -> Int {
        guard let offset = find(key.stringValue) else {
            throw DecodingError.keyNotFound(key, DecodingError.Context(
                codingPath: codingPath, debugDescription: "no value for key \(key.stringValue)"))
        }
        return offset
    }

    func contains(_ key: Key) -> Bool { find(key.stringValue) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { reader.isNil(at: try offset(key)) }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try reader.bool(at: offset(key), codingPath) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try reader.string(at: offset(key), codingPath + [key])
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try reader.double(at: offset(key), codingPath + [key])
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        try reader.float(at: offset(key), codingPath + [key])
    }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(type, key) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try reader.value(type, at: offset(key), codingPath: codingPath + [key])
    }

    private func integer<T: FixedWidthInteger>(_ type: T.Type, _ key: Key) throws -> T {
        try reader.integer(type, at: offset(key), codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey> {
        try _BinaryDecoder(reader: reader, offset: offset(key), codingPath: codingPath + [key])
            .container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try _BinaryDecoder(reader: reader, offset: offset(key), codingPath: codingPath + [key])
            .unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        _BinaryDecoder(reader: reader, offset: find("super") ?? reader.buffer.count, codingPath: codingPath)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        _BinaryDecoder(reader: reader, offset: try offset(key), codingPath: codingPath + [key])
    }
}
