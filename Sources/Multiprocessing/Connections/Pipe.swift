import SystemPackage

/// Two connected ``Connection``s, as Python's `multiprocessing.Pipe`.
///
/// ```swift
/// let (left, right) = try Pipe()                 // both ends send and receive
/// let (reader, writer) = try Pipe(duplex: false) // reader only receives, writer only sends
/// ```
///
/// A duplex pipe is a pair of Unix stream sockets; a one-way pipe is a kernel pipe. Both ends are close-on-exec,
/// so they reach a child only when passed to a ``Process``.
///
/// - Parameter duplex: Whether both ends can send and receive (the default); otherwise the first end only
///   receives and the second only sends.
/// - Throws: ``MultiprocessingError/Code/systemCallFailed`` when the kernel has no descriptors left.
///
/// The corresponding C functions are `socketpair` and `pipe2`.
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
    switch _pipe() {
    case .success(let (readEnd, writeEnd)):
        return (Connection(descriptor: readEnd, readable: true, writable: false, isSocket: false),
                Connection(descriptor: writeEnd, readable: false, writable: true, isSocket: false))
    case .failure(let error):
        throw MultiprocessingError(.systemCallFailed, "cannot make a pipe", underlyingError: error)
    }
}
