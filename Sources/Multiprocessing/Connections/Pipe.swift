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
/// The messages go through shared memory: a ring per direction, in a `memfd` both ends map (see `PipeMemory`), so
/// that a message costs no system call while the receiver is awake. A pair of Unix stream sockets wakes a receiver
/// that sleeps and brings end of file when an end is closed or its process dies. Sending to an end whose process
/// is gone is an `EPIPE` error, never a `SIGPIPE` that kills this process. Python uses a kernel pipe for a one-way
/// pipe and a socket pair for a duplex one. All the descriptors are close-on-exec, so an end reaches a child only
/// when passed to a ``Process``.
///
/// - Parameter duplex: Whether both ends can send and receive (the default); otherwise the first end only
///   receives and the second only sends.
/// - Throws: ``MultiprocessingError/Code/systemCallFailed`` when the kernel has no descriptors or memory left.
///
/// The corresponding C functions are `socketpair` and `memfd_create`.
public func Pipe(duplex: Bool = true) throws(MultiprocessingError) -> (Connection, Connection) {
    try _makePipe(duplex: duplex, sharedMemory: true)
}

/// A ``Pipe(duplex:)`` whose messages go through shared memory, or (`sharedMemory: false`) through the socket
/// pair alone: for an owner that waits on several connections at once with `poll` on their sockets, which sees
/// a socket's bytes but not a ring's.
package func _makePipe(duplex: Bool, sharedMemory: Bool) throws(MultiprocessingError) -> (Connection, Connection) {
    let (first, second): (FileDescriptor, FileDescriptor)
    switch _socketPair() {
    case .success(let pair): (first, second) = pair
    case .failure(let error):
        throw MultiprocessingError(.systemCallFailed, "cannot make a pipe", underlyingError: error)
    }
    guard sharedMemory else {
        if !duplex {
            // The first end only receives, the second only sends.
            _ = shutdown(first.rawValue, Int32(SHUT_WR))
            _ = shutdown(second.rawValue, Int32(SHUT_RD))
        }
        return (Connection(descriptor: first, readable: true, writable: duplex, isSocket: true),
                Connection(descriptor: second, readable: duplex, writable: true, isSocket: true))
    }
    let memory: PipeMemory
    do {
        memory = try PipeMemory(ringCount: duplex ? 2 : 1)
    } catch {
        _close(first)
        _close(second)
        throw error
    }
    // Ring 0 carries the second end's bytes to the first; ring 1, the first end's to the second. (These rings
    // exist, so neither initializer throws.)
    return (try Connection(socket: first, memory: memory, sendRing: duplex ? 1 : -1, receiveRing: 0),
            try Connection(socket: second, memory: memory, sendRing: 0, receiveRing: duplex ? 1 : -1))
}
