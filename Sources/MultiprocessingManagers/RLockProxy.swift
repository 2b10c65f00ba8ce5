import Multiprocessing

/// A re-entrant lock held by a ``Manager``'s server, as Python's `manager.RLock()`: its holder may take it again,
/// and must release it as many times; only the holder may release it.
///
/// The holder is the proxy's connection: a proxy passed to another process is another holder, and two threads
/// sharing one proxy are the same holder. A client that disconnects releases the lock it held.
public struct RLockProxy: LockingProxy {
    public static let pythonName = "RLock"

    /// The untyped proxy underneath.
    public let proxy: ObjectProxy

    /// A typed view of `proxy` (which must refer to an object of the matching kind).
    public init(_ proxy: ObjectProxy) {
        self.proxy = proxy
    }
}
