import Multiprocessing

/// An event held by a ``Manager``'s server, as Python's `manager.Event()`.
public struct EventProxy: TypedProxy {
    /// The untyped proxy underneath.
    public let proxy: ObjectProxy

    /// A typed view of `proxy` (which must refer to an object of the matching kind).
    public init(_ proxy: ObjectProxy) {
        self.proxy = proxy
    }

    /// Sets the flag and wakes every waiter.
    public func set() throws(MultiprocessingError) {
        try proxy.call("set")
    }

    /// Clears the flag.
    public func clear() throws(MultiprocessingError) {
        try proxy.call("clear")
    }

    /// Whether the flag is set.
    public func isSet() throws(MultiprocessingError) -> Bool {
        try proxy.call("is_set") == .bool(true)
    }

    /// Waits until the event is set or `timeout` passed (`nil`: as long as it takes); returns whether it is set.
    /// A negative timeout waits not at all, as Python's.
    @discardableResult
    public func wait(timeout: Duration? = nil) throws(MultiprocessingError) -> Bool {
        let timeout = timeout.map { max($0, .zero) }
        return try proxy.call("wait", arguments: [ManagedValue(seconds: timeout)], waiting: timeout) == .bool(true)
    }
}
