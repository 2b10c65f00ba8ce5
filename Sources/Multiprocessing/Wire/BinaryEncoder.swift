/// Encodes `Encodable` values in the package's compact binary format: what ``Connection``, ``Queue`` and the
/// process handshake send.
///
/// ```swift
/// let bytes = try BinaryEncoder().encode([42, nil, 7] as [Int?])
/// let back = try BinaryDecoder().decode([Int?].self, from: bytes)
/// ```
///
/// The format is self-describing (one tag byte a value, varint integers, keys as strings) and has no version
/// of its own: both sides must use this package.
public struct BinaryEncoder {
    /// Values the types being encoded can read from their encoder's `userInfo`.
    public var userInfo: [CodingUserInfoKey: Any] {
        get { context.userInfo }
        set { context = BinaryCodingContext(userInfo: newValue, transfer: context.transfer) }
    }

    /// The user info, and where the descriptors of a process's arguments are collected.
    var context = BinaryCodingContext.plain

    /// An encoder with no user info.
    public init() {}

    /// An encoder for a process's arguments: ``Connection``s and the like in them add their descriptors to
    /// `transfer`.
    init(transfer: DescriptorTransfer) {
        context = BinaryCodingContext(transfer: transfer)
    }

    /// The bytes that represent `value`.
    ///
    /// - Throws: Whatever `value`'s `encode(to:)` throws, such as an `EncodingError`.
    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        var output: [UInt8] = []
        try encode(value, appendingTo: &output)
        return output
    }

    /// Appends the bytes that represent `value` to `output`.
    ///
    /// - Throws: Whatever `value`'s `encode(to:)` throws. On error, `output` may hold part of the value.
    public func encode<T: Encodable>(_ value: T, appendingTo output: inout [UInt8]) throws {
        if BinaryEncodingNode.appendPrimitive(value, to: &output) { return }
        let root = BinaryEncodingNode(context: context)
        try value.encode(to: _BinaryEncoder(node: root, codingPath: []))
        root.write(into: &output)
    }
}

/// One value being encoded: its own bytes, and the nested values to splice in at given offsets when it is
/// written out (nested containers may be filled in any order, so they cannot write straight into the output).
///
/// Every container of one value writes through its node, and reaches the encoding's context through it. The
/// stored properties are exempt from run-time exclusivity checks: one encoding runs on one thread, and no access
/// to a node's property overlaps another (a nested value writes to its own node).
final class BinaryEncodingNode {
    enum Kind { case empty, single, unkeyed, keyed }

    let context: BinaryCodingContext
    @exclusivity(unchecked) var kind = Kind.empty
    @exclusivity(unchecked) var bytes: [UInt8] = []
    @exclusivity(unchecked) var count = 0
    @exclusivity(unchecked) var splices: [(offset: Int, node: BinaryEncodingNode)] = []

    init(context: BinaryCodingContext) {
        self.context = context
    }

    /// Encodes `value` into `bytes`: directly for the types the format knows, as a spliced child otherwise.
    @inline(__always)
    func append<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws {
        if Self.appendPrimitive(value, to: &bytes) { return }
        let child = BinaryEncodingNode(context: context)
        splices.append((bytes.count, child))
        try value.encode(to: _BinaryEncoder(node: child, codingPath: codingPath))
    }

    /// Appends `value` if its type is one the format encodes without a container; returns whether it did.
    @inline(__always)
    static func appendPrimitive<T>(_ value: T, to bytes: inout [UInt8]) -> Bool {
        switch T.self {
        case is String.Type: bytes.appendTagged(value as! String)
        case is Int.Type: bytes.appendTagged(Int64(value as! Int))
        case is Bool.Type: bytes.appendTagged(value as! Bool)
        case is Double.Type: bytes.appendTagged(value as! Double)
        case is Empty.Type:
            // As its synthesized `encode(to:)` writes it: a keyed container with no keys.
            bytes.append(BinaryTag.keyed)
            bytes.append(0)
        case is [UInt8].Type: bytes.appendTagged(value as! [UInt8])
        default: return false
        }
        return true
    }

    /// Writes this value, with its nested values spliced in, to `output`.
    func write(into output: inout [UInt8]) {
        switch kind {
        case .empty:
            output.append(BinaryTag.keyed)
            output.append(0)
            return
        case .single:
            break
        case .unkeyed:
            output.append(BinaryTag.unkeyed)
            output.appendVarint(UInt64(count))
        case .keyed:
            output.append(BinaryTag.keyed)
            output.appendVarint(UInt64(count))
        }
        if splices.isEmpty {
            output.append(contentsOf: bytes)
            return
        }
        var start = 0
        for (offset, node) in splices {
            output.append(contentsOf: bytes[start..<offset])
            node.write(into: &output)
            start = offset
        }
        output.append(contentsOf: bytes[start...])
    }
}

struct _BinaryEncoder: Encoder {
    let node: BinaryEncodingNode
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { node.context.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.kind = .keyed
        return KeyedEncodingContainer(_BinaryKeyedEncoding<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.kind = .unkeyed
        return _BinaryUnkeyedEncoding(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        node.kind = .single
        return _BinarySingleEncoding(node: node, codingPath: codingPath)
    }
}

struct _BinarySingleEncoding: SingleValueEncodingContainer {
    let node: BinaryEncodingNode
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { node.context.userInfo }

    mutating func encodeNil() throws { node.bytes.append(BinaryTag.null) }
    mutating func encode(_ value: Bool) throws { node.bytes.append(value ? BinaryTag.true : BinaryTag.false) }
    mutating func encode(_ value: String) throws { node.bytes.appendTagged(value) }
    mutating func encode(_ value: Double) throws { node.bytes.appendTagged(value) }
    mutating func encode(_ value: Float) throws { node.bytes.appendTagged(value) }
    mutating func encode(_ value: Int) throws { node.bytes.appendTagged(Int64(value)) }
    mutating func encode(_ value: Int8) throws { node.bytes.appendTagged(Int64(value)) }
    mutating func encode(_ value: Int16) throws { node.bytes.appendTagged(Int64(value)) }
    mutating func encode(_ value: Int32) throws { node.bytes.appendTagged(Int64(value)) }
    mutating func encode(_ value: Int64) throws { node.bytes.appendTagged(value) }
    mutating func encode(_ value: UInt) throws { node.bytes.appendTagged(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { node.bytes.appendTagged(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { node.bytes.appendTagged(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { node.bytes.appendTagged(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { node.bytes.appendTagged(value) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        try node.append(value, codingPath: codingPath)
    }
}

struct _BinaryUnkeyedEncoding: UnkeyedEncodingContainer {
    let node: BinaryEncodingNode
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { node.context.userInfo }
    var count: Int { node.count }

    private func counted() { node.count += 1 }

    mutating func encodeNil() throws { counted(); node.bytes.append(BinaryTag.null) }
    mutating func encode(_ value: Bool) throws {
        counted()
        node.bytes.append(value ? BinaryTag.true : BinaryTag.false)
    }
    mutating func encode(_ value: String) throws { counted(); node.bytes.appendTagged(value) }
    mutating func encode(_ value: Double) throws { counted(); node.bytes.appendTagged(value) }
    mutating func encode(_ value: Float) throws { counted(); node.bytes.appendTagged(value) }
    mutating func encode(_ value: Int) throws { counted(); node.bytes.appendTagged(Int64(value)) }
    mutating func encode(_ value: Int8) throws { counted(); node.bytes.appendTagged(Int64(value)) }
    mutating func encode(_ value: Int16) throws { counted(); node.bytes.appendTagged(Int64(value)) }
    mutating func encode(_ value: Int32) throws { counted(); node.bytes.appendTagged(Int64(value)) }
    mutating func encode(_ value: Int64) throws { counted(); node.bytes.appendTagged(value) }
    mutating func encode(_ value: UInt) throws { counted(); node.bytes.appendTagged(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { counted(); node.bytes.appendTagged(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { counted(); node.bytes.appendTagged(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { counted(); node.bytes.appendTagged(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { counted(); node.bytes.appendTagged(value) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        counted()
        try node.append(value, codingPath: codingPath)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey> {
        nestedEncoder().container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { nestedEncoder().unkeyedContainer() }

    mutating func superEncoder() -> any Encoder { nestedEncoder() }

    private func nestedEncoder() -> _BinaryEncoder {
        counted()
        let child = BinaryEncodingNode(context: node.context)
        node.splices.append((node.bytes.count, child))
        return _BinaryEncoder(node: child, codingPath: codingPath)
    }
}

struct _BinaryKeyedEncoding<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: BinaryEncodingNode
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { node.context.userInfo }

    private func key(_ key: Key) {
        node.count += 1
        node.bytes.appendRawString(key.stringValue)
    }

    mutating func encodeNil(forKey key: Key) throws { self.key(key); node.bytes.append(BinaryTag.null) }
    mutating func encode(_ value: Bool, forKey key: Key) throws {
        self.key(key)
        node.bytes.append(value ? BinaryTag.true : BinaryTag.false)
    }
    mutating func encode(_ value: String, forKey key: Key) throws { self.key(key); node.bytes.appendTagged(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { self.key(key); node.bytes.appendTagged(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { self.key(key); node.bytes.appendTagged(value) }
    mutating func encode(_ value: Int, forKey key: Key) throws { self.key(key); node.bytes.appendTagged(Int64(value)) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { self.key(key); node.bytes.appendTagged(Int64(value)) }
    mutating func encode(_ value: Int16, forKey key: Key) throws {
        self.key(key)
        node.bytes.appendTagged(Int64(value))
    }
    mutating func encode(_ value: Int32, forKey key: Key) throws {
        self.key(key)
        node.bytes.appendTagged(Int64(value))
    }
    mutating func encode(_ value: Int64, forKey key: Key) throws { self.key(key); node.bytes.appendTagged(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws {
        self.key(key)
        node.bytes.appendTagged(UInt64(value))
    }
    mutating func encode(_ value: UInt8, forKey key: Key) throws {
        self.key(key)
        node.bytes.appendTagged(UInt64(value))
    }
    mutating func encode(_ value: UInt16, forKey key: Key) throws {
        self.key(key)
        node.bytes.appendTagged(UInt64(value))
    }
    mutating func encode(_ value: UInt32, forKey key: Key) throws {
        self.key(key)
        node.bytes.appendTagged(UInt64(value))
    }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { self.key(key); node.bytes.appendTagged(value) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        self.key(key)
        try node.append(value, codingPath: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey> {
        nestedEncoder(key.stringValue).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        nestedEncoder(key.stringValue).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { nestedEncoder("super") }

    mutating func superEncoder(forKey key: Key) -> any Encoder { nestedEncoder(key.stringValue) }

    private func nestedEncoder(_ name: String) -> _BinaryEncoder {
        node.count += 1
        node.bytes.appendRawString(name)
        let child = BinaryEncodingNode(context: node.context)
        node.splices.append((node.bytes.count, child))
        return _BinaryEncoder(node: child, codingPath: codingPath)
    }
}
