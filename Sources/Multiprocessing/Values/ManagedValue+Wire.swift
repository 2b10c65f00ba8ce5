/// A managed value in the wire grammar (BinaryTag.swift), written by hand: each case with the tag of its kind,
/// `bytes` for ``ManagedValue/encoded(_:)``, a sequence for a list, pairs for a dict. The manager's requests and
/// replies carry them this way.
extension ManagedValue: WireMessage {
    package func write(to bytes: inout [UInt8]) {
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

    package init(from reader: inout WireReader) throws(MultiprocessingError) {
        switch try reader.peekTag() {
        case BinaryTag.null:
            _ = try reader.null()
            self = .none
        case BinaryTag.false, BinaryTag.true: self = .bool(try reader.bool())
        case BinaryTag.int: self = .int(try reader.int())
        case BinaryTag.double: self = .double(try reader.double())
        case BinaryTag.string: self = .string(try reader.string())
        case BinaryTag.bytes: self = .encoded(try reader.bytes())
        case BinaryTag.unkeyed:
            self = .list(try reader.nested { (reader) throws(MultiprocessingError) in
                try [ManagedValue](from: &reader)
            })
        case BinaryTag.keyed:
            self = .dict(try reader.nested { (reader) throws(MultiprocessingError) in
                let count = try reader.pairCount()
                var pairs: [ManagedPair] = []
                pairs.reserveCapacity(count)
                for _ in 0..<count {
                    let key = try ManagedValue(from: &reader)
                    pairs.append(ManagedPair(key, try ManagedValue(from: &reader)))
                }
                return pairs
            })
        case let tag:
            throw MultiprocessingError(.codingFailed, "a malformed message: no managed value has tag \(tag)")
        }
    }
}

/// A list of managed values: a sequence (a request's arguments, a ``ManagedValue/list(_:)``).
extension Array: WireMessage where Element == ManagedValue {
    package func write(to bytes: inout [UInt8]) {
        bytes.appendSequence(count: count)
        for value in self { value.write(to: &bytes) }
    }

    package init(from reader: inout WireReader) throws(MultiprocessingError) {
        let count = try reader.sequenceCount()
        self.init()
        reserveCapacity(count)
        for _ in 0..<count { append(try ManagedValue(from: &reader)) }
    }
}
