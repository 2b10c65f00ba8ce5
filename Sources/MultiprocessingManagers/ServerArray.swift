import Multiprocessing

/// An array of numbers on the server, as Python's `manager.Array(typecode, sequence)` (an `array.array`): a fixed
/// length, and elements that fit the typecode (`'i'`: 32-bit signed integers, `'d'`: doubles, …).
///
/// It is only as long as the sequence it is made from, which came in the request: a client cannot make the
/// server allocate more than it sent.
final class ServerArray: ServerObject {
    var typeid: String { "Array" }
    private let typecode: String
    private var elements: [ManagedValue]

    /// The integer typecodes and their ranges; `f` and `d` hold doubles.
    private static let integerRanges: [String: ClosedRange<Int>] = [
        "b": Int(Int8.min)...Int(Int8.max), "B": 0...Int(UInt8.max),
        "h": Int(Int16.min)...Int(Int16.max), "H": 0...Int(UInt16.max),
        "i": Int(Int32.min)...Int(Int32.max), "I": 0...Int(UInt32.max),
        "l": Int.min...Int.max, "q": Int.min...Int.max, "L": 0...Int.max, "Q": 0...Int.max,
    ]

    /// `arguments`: the typecode, then the sequence of initial elements.
    init(_ arguments: [ManagedValue]) throws {
        guard case .string(let typecode) = try arguments.argument(0, "Array"),
              Self.integerRanges[typecode] != nil || typecode == "d" || typecode == "f" else {
            throw ServerMethodError("ValueError: bad typecode (must be b, B, h, H, i, I, l, L, q, Q, f or d)")
        }
        self.typecode = typecode
        guard case .list(let given) = try arguments.argument(1, "Array") else {
            throw ServerMethodError("TypeError: Array takes a sequence of initial elements")
        }
        elements = []
        elements = try given.map(checked)
    }

    /// `value` as this array holds it (an `int` becomes a `double` in a `'d'` array), or Python's error.
    private func checked(_ value: ManagedValue) throws -> ManagedValue {
        if let range = Self.integerRanges[typecode] {
            let integer: Int
            switch value {
            case .int(let given): integer = given
            case .bool(let given): integer = given ? 1 : 0
            default: throw ServerMethodError("TypeError: an integer is required (got \(value))")
            }
            guard range.contains(integer) else {
                throw ServerMethodError("OverflowError: \(integer) does not fit typecode '\(typecode)'")
            }
            return .int(integer)
        }
        switch value {
        case .double: return value
        case .int(let given): return .double(Double(given))
        default: throw ServerMethodError("TypeError: must be real number, not \(value)")
        }
    }

    private func position(_ value: ManagedValue) throws -> Int {
        guard case .int(var position) = value else {
            throw ServerMethodError("TypeError: array indices must be integers")
        }
        if position < 0 { position += elements.count }
        guard elements.indices.contains(position) else {
            throw ServerMethodError("IndexError: array index out of range")
        }
        return position
    }

    func call(_ method: String, _ arguments: [ManagedValue], monitor: ServerMonitor) throws -> ManagedValue {
        switch method {
        case "__len__": return .int(elements.count)
        case "__getitem__": return elements[try position(try arguments.argument(0, method))]
        case "__setitem__":
            let at = try position(try arguments.argument(0, method))
            elements[at] = try checked(try arguments.argument(1, method))
            return .none
        case "tolist": return .list(elements)
        case "typecode": return .string(typecode)
        case "__repr__":
            return .string("array('\(typecode)'" + (elements.isEmpty ? ")" : ", \(ManagedValue.list(elements)))"))
        default: throw ServerMethodError.noMethod(typeid, method)
        }
    }
}
