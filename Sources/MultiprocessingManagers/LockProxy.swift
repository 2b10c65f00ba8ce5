import Multiprocessing

/// A lock held by a ``Manager``'s server, as Python's `manager.Lock()`: one holder at a time across every
/// process that uses it; any process may release it.
///
/// ```swift
/// try lock.withLock {
///     try counter.set(try counter.get() + 1)
/// }
/// ```
public struct LockProxy: LockingProxy {
    public static let pythonName = "Lock"

    /// The untyped proxy underneath.
    public let proxy: ObjectProxy

    /// A typed view of `proxy` (which must refer to an object of the matching kind).
    public init(_ proxy: ObjectProxy) {
        self.proxy = proxy
    }
}
