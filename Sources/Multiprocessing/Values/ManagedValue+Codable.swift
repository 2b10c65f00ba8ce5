extension ManagedValue: Codable {
    /// A tag, then the payload, in an unkeyed container: compact and quick in the binary encoding.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        switch self {
        case .none:
            try container.encode(UInt8(0))
        case .bool(let value):
            try container.encode(UInt8(1))
            try container.encode(value)
        case .int(let value):
            try container.encode(UInt8(2))
            try container.encode(value)
        case .double(let value):
            try container.encode(UInt8(3))
            try container.encode(value)
        case .string(let value):
            try container.encode(UInt8(4))
            try container.encode(value)
        case .list(let values):
            try container.encode(UInt8(5))
            try container.encode(values)
        case .dict(let pairs):
            try container.encode(UInt8(6))
            try container.encode(pairs)
        case .encoded(let bytes):
            try container.encode(UInt8(7))
            try container.encode(bytes)
        }
    }

    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        switch try container.decode(UInt8.self) {
        case 0: self = .none
        case 1: self = .bool(try container.decode(Bool.self))
        case 2: self = .int(try container.decode(Int.self))
        case 3: self = .double(try container.decode(Double.self))
        case 4: self = .string(try container.decode(String.self))
        case 5: self = .list(try container.decode([ManagedValue].self))
        case 6: self = .dict(try container.decode([ManagedPair].self))
        case 7: self = .encoded(try container.decode([UInt8].self))
        case let tag:
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "unknown ManagedValue tag \(tag)"))
        }
    }
}

/// What an `Optional` is, whatever it wraps: so that `nil` of any type becomes ``ManagedValue/none``.
private protocol _OptionalValue {
    var isNone: Bool { get }
}

extension Optional: _OptionalValue {
    var isNone: Bool { self == nil }
}

extension ManagedValue {
    /// `value` as a managed value: ints, doubles, strings, bools and `nil` as themselves (so the server can print
    /// and sort them), arrays of those as lists, anything else as ``encoded(_:)`` bytes.
    ///
    /// - Throws: ``MultiprocessingError/Code/codingFailed`` when `value` cannot be encoded.
    public init<T: Encodable>(wrapping value: T) throws(MultiprocessingError) {
        switch value {
        case let value as ManagedValue: self = value
        case let value as _OptionalValue where value.isNone: self = .none
        case let value as Int: self = .int(value)
        case let value as String: self = .string(value)
        case let value as Double: self = .double(value)
        case let value as Bool: self = .bool(value)
        case let value as [Int]: self = .list(value.map { .int($0) })
        case let value as [String]: self = .list(value.map { .string($0) })
        case let value as [Double]: self = .list(value.map { .double($0) })
        default:
            do {
                self = .encoded(try BinaryEncoder().encode(value))
            } catch {
                throw MultiprocessingError(.codingFailed, "cannot encode \(T.self): \(error)")
            }
        }
    }

    /// This value as a `T`: the inverse of ``init(wrapping:)``.
    ///
    /// - Throws: ``MultiprocessingError/Code/codingFailed`` when the value is not a `T`.
    public func unwrap<T: Decodable>(as type: T.Type = T.self) throws(MultiprocessingError) -> T {
        if let value = self as? T { return value }
        switch self {
        case .none:
            if let optional = T.self as? any ExpressibleByNilLiteral.Type,
               let value = optional.init(nilLiteral: ()) as? T {
                return value
            }
        case .int(let value): if let value = value as? T { return value }
        case .string(let value): if let value = value as? T { return value }
        case .double(let value): if let value = value as? T { return value }
        case .bool(let value): if let value = value as? T { return value }
        case .list(let values):
            if T.self == [Int].self, let value = values.compactMap({ try? $0.unwrap(as: Int.self) }) as? T,
               (value as! [Int]).count == values.count {
                return value
            }
            if T.self == [String].self, let value = values.compactMap({ try? $0.unwrap(as: String.self) }) as? T,
               (value as! [String]).count == values.count {
                return value
            }
            if T.self == [Double].self, let value = values.compactMap({ try? $0.unwrap(as: Double.self) }) as? T,
               (value as! [Double]).count == values.count {
                return value
            }
        case .encoded(let bytes):
            do {
                return try BinaryDecoder().decode(type, from: bytes)
            } catch {
                throw MultiprocessingError(.codingFailed, "cannot decode \(T.self): \(error)")
            }
        case .dict:
            break
        }
        throw MultiprocessingError(.codingFailed, "the manager holds \(self), which is not a \(T.self)")
    }
}
