import Multiprocessing

/// Where a ``Manager``'s server listens: a Unix socket (the default, in a private directory) or a TCP address
/// for remote use, as Python's `address` argument.
public enum ManagerAddress: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A Unix stream socket at this path.
    case unix(path: String)
    /// A TCP address: a dotted IPv4 host and a port (0 when starting a server: any free port).
    case tcp(host: String, port: Int)

    /// The path, or `host:port`.
    public var description: String {
        switch self {
        case .unix(let path): return path
        case .tcp(let host, let port): return "\(host):\(port)"
        }
    }
}
