import Multiprocessing

/// A number an ``ArrayProxy`` holds: Python's array typecode for it, and its conversion to and from the
/// `ManagedValue` the server keeps.
public protocol ManagedArrayElement: Codable, Sendable {
    /// Python's `array` typecode: `"i"` for `Int32`, `"d"` for `Double`, …
    static var typecode: String { get }
    /// The value as the server holds it: an `int` or a `double`.
    var managedValue: ManagedValue { get }
    /// The element that `value` holds, or `nil` when it is of another kind or out of range.
    init?(managedValue value: ManagedValue)
}

extension ManagedArrayElement where Self: FixedWidthInteger {
    public var managedValue: ManagedValue { .int(Int(self)) }
    public init?(managedValue value: ManagedValue) {
        guard case .int(let integer) = value, let exact = Self(exactly: integer) else { return nil }
        self = exact
    }
}

extension ManagedArrayElement where Self: BinaryFloatingPoint {
    public var managedValue: ManagedValue { .double(Double(self)) }
    public init?(managedValue value: ManagedValue) {
        switch value {
        case .double(let double): self.init(double)
        case .int(let integer): self.init(integer)
        default: return nil
        }
    }
}

extension Int8: ManagedArrayElement { public static var typecode: String { "b" } }
extension UInt8: ManagedArrayElement { public static var typecode: String { "B" } }
extension Int16: ManagedArrayElement { public static var typecode: String { "h" } }
extension UInt16: ManagedArrayElement { public static var typecode: String { "H" } }
extension Int32: ManagedArrayElement { public static var typecode: String { "i" } }
extension UInt32: ManagedArrayElement { public static var typecode: String { "I" } }
extension Int: ManagedArrayElement { public static var typecode: String { "q" } }
extension Float: ManagedArrayElement { public static var typecode: String { "f" } }
extension Double: ManagedArrayElement { public static var typecode: String { "d" } }
