#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// Two connected ``Connection``s, as Python's `multiprocessing.Pipe`.
///
/// ```swift
/// let (left, right) = try Pipe()                 // both ends send and receive
/// let (reader, writer) = try Pipe(duplex: false) // reader only receives, writer only sends
/// ```
///
/// Both kinds are a pair of Unix stream sockets (a one-way pipe has each end shut down in the direction it does
/// not use), so that writing to an end whose peer is gone is an `EPIPE` error and never a `SIGPIPE` that kills
/// this process; Python uses a kernel pipe for a one-way pipe. Both ends are close-on-exec, so they reach a child
/// only when passed to a ``Process``.
///
/// - Parameter duplex: Whether both ends can send and receive (the default); otherwise the first end only
///   receives and the second only sends.
/// - Throws: ``MultiprocessingError/Code/systemCallFailed`` when the kernel has no descriptors left.
///
/// The corresponding C functions are `socketpair` and `shutdown`.
public func Pipe(duplex: Bool = true) throws(MultiprocessingError) -> (Connection, Connection) {
    if duplex {
        switch _socketPair() {
        case .success(let (first, second)):
            return (Connection(descriptor: first, readable: true, writable: true, isSocket: true),
                    Connection(descriptor: second, readable: true, writable: true, isSocket: true))
        case .failure(let error):
            throw MultiprocessingError(.systemCallFailed, "cannot make a duplex pipe", underlyingError: error)
        }
    }
    switch _socketPair() {
    case .success(let (readEnd, writeEnd)):
        _ = shutdown(readEnd.rawValue, Int32(SHUT_WR))
        _ = shutdown(writeEnd.rawValue, Int32(SHUT_RD))
        return (Connection(descriptor: readEnd, readable: true, writable: false, isSocket: true),
                Connection(descriptor: writeEnd, readable: false, writable: true, isSocket: true))
    case .failure(let error):
        throw MultiprocessingError(.systemCallFailed, "cannot make a pipe", underlyingError: error)
    }
}
