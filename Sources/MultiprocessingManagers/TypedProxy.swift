import Multiprocessing

/// A typed view of an ``ObjectProxy``: ``DictProxy``, ``LockProxy``, ``PoolProxy`` and the other proxies a
/// ``Manager`` makes. Each encodes as the proxy underneath, so it can be passed to a child process, which connects
/// on its first call.
public protocol TypedProxy: Codable, Sendable {
    /// The untyped proxy underneath.
    var proxy: ObjectProxy { get }
    /// A typed view of `proxy`, which must refer to an object of the matching kind.
    init(_ proxy: ObjectProxy)
}

extension TypedProxy {
    /// Encodes the proxy, to pass it to a child process; see ``ObjectProxy``.
    public func encode(to encoder: any Encoder) throws { try proxy.encode(to: encoder) }

    /// Decodes a proxy passed by another process; it connects on its first call.
    public init(from decoder: any Decoder) throws { self.init(try ObjectProxy(from: decoder)) }
}
