import Multiprocessing

/// A namespace held by a ``Manager``'s server, as Python's `manager.Namespace()`: attributes by name.
///
/// ```swift
/// let settings = try manager.namespace()
/// try settings.set("rounds", 3)
/// try settings.rounds             // 3 (a ManagedValue)
/// print(settings)                 // Namespace(rounds=3)
/// ```
@dynamicMemberLookup
public struct NamespaceProxy: TypedProxy, CustomStringConvertible {
    /// The untyped proxy underneath.
    public let proxy: ObjectProxy

    /// A typed view of `proxy` (which must refer to an object of the matching kind).
    public init(_ proxy: ObjectProxy) {
        self.proxy = proxy
    }

    /// The attribute `name`.
    ///
    /// - Throws: `MultiprocessingError.Code.remoteError` (`AttributeError`) when it is not set.
    public subscript(dynamicMember name: String) -> ManagedValue {
        get throws(MultiprocessingError) { try get(name) }
    }

    /// The attribute `name`.
    public func get(_ name: String) throws(MultiprocessingError) -> ManagedValue {
        try proxy.call("__getattr__", arguments: [.string(name)])
    }

    /// Sets the attribute `name`.
    public func set<T: Encodable>(_ name: String, _ value: T) throws(MultiprocessingError) {
        try proxy.call("__setattr__", arguments: [.string(name), try ManagedValue(wrapping: value)])
    }

    /// Deletes the attribute `name`.
    public func delete(_ name: String) throws(MultiprocessingError) {
        try proxy.call("__delattr__", arguments: [.string(name)])
    }

    /// `Namespace(a=1, b='x')`, as Python prints it.
    public var description: String { proxy.description }
}
