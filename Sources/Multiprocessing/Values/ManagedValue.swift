/// A dynamically typed value, as Python's objects: what a manager's server holds (module
/// `MultiprocessingManagers`), so that one dict can hold `{1: '1', '2': 2, 0.25: None}` and print exactly that,
/// and what a mixed list such as Python's `[42, None, 'hello']` is when it travels over a ``Pipe(duplex:)``
/// or a ``Queue``.
///
/// ```swift
/// let dict = try manager.dict()                    // DictProxy<ManagedValue, ManagedValue>
/// try dict.set(1, "1")
/// try dict.set("2", 2)
/// try dict.set(0.25, nil)
/// print(dict)                                      // {1: '1', '2': 2, 0.25: None}
/// ```
///
/// Literals make values of every case; ``description`` is Python's `repr`. A value of another `Codable` type
/// travels as ``encoded(_:)`` bytes (see `DictProxy`), which the server stores and compares but cannot order.
public enum ManagedValue: Sendable, Hashable {
    /// Python's `None`.
    case none
    /// Python's `True` and `False`.
    case bool(Bool)
    /// Python's `int` (64 bits here).
    case int(Int)
    /// Python's `float`.
    case double(Double)
    /// Python's `str`.
    case string(String)
    /// Python's `list`.
    case list([ManagedValue])
    /// A dictionary in insertion order, as Python's.
    case dict([ManagedPair])
    /// A value of another `Codable` type, in the compact binary encoding.
    case encoded([UInt8])
}

/// One entry of a ``ManagedValue/dict(_:)``.
public struct ManagedPair: Sendable, Hashable, Codable {
    /// The entry's key.
    public var key: ManagedValue
    /// The entry's value.
    public var value: ManagedValue

    /// An entry `key: value`.
    public init(_ key: ManagedValue, _ value: ManagedValue) {
        self.key = key
        self.value = value
    }
}

extension ManagedValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral {
    public init(nilLiteral: ()) { self = .none }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: ManagedValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (ManagedValue, ManagedValue)...) {
        self = .dict(elements.map { ManagedPair($0.0, $0.1) })
    }
}

extension ManagedValue: CustomStringConvertible {
    /// Python's `repr`: `None`, `True`, `1`, `0.25`, `'text'`, `[1, 'a']`, `{1: '1', 0.25: None}`.
    public var description: String {
        switch self {
        case .none: return "None"
        case .bool(let value): return value ? "True" : "False"
        case .int(let value): return String(value)
        case .double(let value):
            if value.isNaN { return "nan" }
            if value.isInfinite { return value < 0 ? "-inf" : "inf" }
            return String(describing: value)
        case .string(let value): return Self.pythonRepr(value)
        case .list(let values): return "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .dict(let pairs):
            return "{" + pairs.map { "\($0.key.description): \($0.value.description)" }.joined(separator: ", ") + "}"
        case .encoded(let bytes): return "<encoded \(bytes.count) bytes>"
        }
    }

    /// A string quoted as Python's `repr` quotes it: single quotes unless it holds one and no double quote.
    static func pythonRepr(_ text: String) -> String {
        let quote: Character = text.contains("'") && !text.contains("\"") ? "\"" : "'"
        var result = String(quote)
        for character in text {
            switch character {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case quote: result += "\\\(quote)"
            default: result.append(character)
            }
        }
        result.append(quote)
        return result
    }
}

extension ManagedValue: Comparable {
    /// Python's ordering for numbers (ints and doubles together), strings, bools and lists; values of different
    /// kinds order by kind, where Python would raise `TypeError` (a manager's `ListProxy.sort()` refuses such lists).
    public static func < (left: ManagedValue, right: ManagedValue) -> Bool {
        switch (left, right) {
        case (.int(let a), .int(let b)): return a < b
        case (.double(let a), .double(let b)): return a < b
        case (.int(let a), .double(let b)): return Double(a) < b
        case (.double(let a), .int(let b)): return a < Double(b)
        case (.string(let a), .string(let b)): return a < b
        case (.bool(let a), .bool(let b)): return !a && b
        case (.list(let a), .list(let b)): return a.lexicographicallyPrecedes(b)
        default: return left.kindOrder < right.kindOrder
        }
    }

    var kindOrder: Int {
        switch self {
        case .none: 0
        case .bool: 1
        case .int, .double: 2
        case .string: 3
        case .list: 4
        case .dict: 5
        case .encoded: 6
        }
    }

    /// Whether `left < right` means something in Python (same kind, or both numbers).
    package static func areOrderable(_ left: ManagedValue, _ right: ManagedValue) -> Bool {
        left.kindOrder == right.kindOrder && left.kindOrder != 5 && left.kindOrder != 6 && left.kindOrder != 0
    }
}
