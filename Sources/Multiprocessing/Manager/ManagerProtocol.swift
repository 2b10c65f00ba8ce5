/// What travels on a manager connection once it is authenticated: one ``ManagerRequest`` frame, one
/// ``ManagerReply`` frame, in turn.
///
/// Object 0 is the server itself: `create` (typeid, name or None, arguments) answers the new object's id,
/// `shutdown` stops the server. Other ids name the objects it holds; their methods are Python's names (`get`,
/// `set`, `append`, `acquire`, …).
///
/// On the wire (``WireMessage``): a request is the object's id, the method's name, and a sequence of arguments;
/// a reply is `true` and the value, or `false` and the failure's description. A ``ManagedValue`` is written with
/// the tag of its kind: `null`, `false`/`true`, `int`, `double`, `string`, `bytes` for ``ManagedValue/encoded(_:)``,
/// a sequence for a list, and the `keyed` tag, a count and count × (key, value) for a dict.
struct ManagerRequest: Sendable, WireMessage {
    var object: Int
    var method: String
    var arguments: [ManagedValue]

    init(object: Int, method: String, arguments: [ManagedValue]) {
        self.object = object
        self.method = method
        self.arguments = arguments
    }

    func write(to bytes: inout [UInt8]) {
        bytes.appendTagged(object)
        bytes.appendTagged(method)
        arguments.write(to: &bytes)
    }

    init(from reader: inout WireReader) throws(MultiprocessingError) {
        object = try reader.int()
        method = try reader.string()
        arguments = try [ManagedValue](from: &reader)
    }
}

/// The server's answer to a request.
enum ManagerReply: Sendable, WireMessage {
    case value(ManagedValue)
    /// The method failed on the server: Python's exception, as `KeyError: 'x'`.
    case failure(String)

    func write(to bytes: inout [UInt8]) {
        switch self {
        case .value(let value):
            bytes.appendTagged(true)
            value.write(to: &bytes)
        case .failure(let description):
            bytes.appendTagged(false)
            bytes.appendTagged(description)
        }
    }

    init(from reader: inout WireReader) throws(MultiprocessingError) {
        self = try reader.bool() ? .value(try ManagedValue(from: &reader)) : .failure(try reader.string())
    }
}

extension ManagedValue: WireMessage {
    func write(to bytes: inout [UInt8]) {
        switch self {
        case .none: bytes.append(BinaryTag.null)
        case .bool(let value): bytes.appendTagged(value)
        case .int(let value): bytes.appendTagged(value)
        case .double(let value): bytes.appendTagged(value)
        case .string(let value): bytes.appendTagged(value)
        case .encoded(let value): bytes.appendTagged(value)
        case .list(let values): values.write(to: &bytes)
        case .dict(let pairs):
            bytes.append(BinaryTag.keyed)
            bytes.appendVarint(UInt64(pairs.count))
            for pair in pairs {
                pair.key.write(to: &bytes)
                pair.value.write(to: &bytes)
            }
        }
    }

    init(from reader: inout WireReader) throws(MultiprocessingError) {
        switch try reader.peekTag() {
        case BinaryTag.null:
            _ = try reader.null()
            self = .none
        case BinaryTag.false, BinaryTag.true: self = .bool(try reader.bool())
        case BinaryTag.int: self = .int(try reader.int())
        case BinaryTag.double: self = .double(try reader.double())
        case BinaryTag.string: self = .string(try reader.string())
        case BinaryTag.bytes: self = .encoded(try reader.bytes())
        case BinaryTag.unkeyed: self = .list(try [ManagedValue](from: &reader))
        case BinaryTag.keyed:
            let count = try reader.pairCount()
            var pairs: [ManagedPair] = []
            pairs.reserveCapacity(count)
            for _ in 0..<count {
                let key = try ManagedValue(from: &reader)
                pairs.append(ManagedPair(key, try ManagedValue(from: &reader)))
            }
            self = .dict(pairs)
        case let tag:
            throw MultiprocessingError(.codingFailed, "a malformed message: no managed value has tag \(tag)")
        }
    }
}

/// A list of managed values: a sequence (a request's arguments, a ``ManagedValue/list(_:)``).
extension Array: WireMessage where Element == ManagedValue {
    func write(to bytes: inout [UInt8]) {
        bytes.appendSequence(count: count)
        for value in self { value.write(to: &bytes) }
    }

    init(from reader: inout WireReader) throws(MultiprocessingError) {
        let count = try reader.sequenceCount()
        self.init()
        reserveCapacity(count)
        for _ in 0..<count { append(try ManagedValue(from: &reader)) }
    }
}

/// The server's answer to a `create` request's name lookup; ids start from 1.
enum ManagerControl {
    static let serverObject = 0
}
