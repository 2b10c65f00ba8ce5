import Multiprocessing

/// An array of numbers held by a ``Manager``'s server, as Python's `manager.Array(typecode, sequence)`: a fixed
/// length, elements read and written one at a time. Printing it prints `array('i', [5, 6])`.
///
/// ```swift
/// let counts: ArrayProxy<Int32> = try manager.array([0, 0, 0])      // manager.Array('i', [0, 0, 0])
/// try counts.set(1, 7)
/// print(try counts[1], try counts.count())                          // 7 3
/// ```
///
/// As with a ``ValueProxy``, a read and a write are separate calls: hold a manager ``LockProxy`` around an update
/// that several processes make.
public struct ArrayProxy<Element: ManagedArrayElement>: TypedProxy, CustomStringConvertible {
    /// The untyped proxy underneath.
    public let proxy: ObjectProxy

    /// A typed view of `proxy` (which must refer to an object of the matching kind).
    public init(_ proxy: ObjectProxy) {
        self.proxy = proxy
    }

    private func unwrap(_ value: ManagedValue) throws(MultiprocessingError) -> Element {
        guard let element = Element(managedValue: value) else {
            throw MultiprocessingError(.codingFailed, "the manager's array holds \(value), not a \(Element.self)")
        }
        return element
    }

    /// The element at `index` (negative counts from the end, as in Python).
    ///
    /// - Throws: `MultiprocessingError.Code.remoteError` (`IndexError`) out of range.
    public subscript(index: Int) -> Element {
        get throws(MultiprocessingError) { try unwrap(try proxy.call("__getitem__", arguments: [.int(index)])) }
    }

    /// Sets the element at `index`; Python's `a[index] = element`.
    ///
    /// - Throws: `MultiprocessingError.Code.remoteError` (`IndexError`) out of range.
    public func set(_ index: Int, _ element: Element) throws(MultiprocessingError) {
        try proxy.call("__setitem__", arguments: [.int(index), element.managedValue])
    }

    /// The number of elements; Python's `len(a)`.
    public func count() throws(MultiprocessingError) -> Int {
        try proxy.call("__len__").unwrap(as: Int.self)
    }

    /// A copy of the elements; Python's `list(a)`.
    public func elements() throws(MultiprocessingError) -> [Element] {
        guard case .list(let values) = try proxy.call("tolist") else { return [] }
        return try values.map { (value) throws(MultiprocessingError) in try unwrap(value) }
    }

    /// `array('i', [5, 6])`.
    public var description: String { proxy.description }
}
