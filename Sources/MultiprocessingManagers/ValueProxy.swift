import Multiprocessing

/// One value held by a ``Manager``'s server, as Python's `manager.Value(typecode, value)`.
///
/// Reading and writing are separate calls: to update it from several processes, hold a manager ``LockProxy``
/// around the read and the write (as in Python).
public struct ValueProxy<T: Codable & Sendable>: TypedProxy, CustomStringConvertible {
    /// The untyped proxy underneath.
    public let proxy: ObjectProxy

    /// A typed view of `proxy` (which must refer to an object of the matching kind).
    public init(_ proxy: ObjectProxy) {
        self.proxy = proxy
    }

    /// The current value.
    public func get() throws(MultiprocessingError) -> T {
        try proxy.call("__getattr__", arguments: [.string("value")]).unwrap(as: T.self)
    }

    /// Replaces the value.
    public func set(_ value: T) throws(MultiprocessingError) {
        try proxy.call("__setattr__", arguments: [.string("value"), try ManagedValue(wrapping: value)])
    }

    /// The current value; Python's `value.value`.
    public var value: T {
        get throws(MultiprocessingError) { try get() }
    }

    /// `Value(3)`.
    public var description: String { proxy.description }
}
