#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims
import SystemPackage

// The middle layer over the system calls connections, queues and children make: `Result`s with the `Errno`,
// `EINTR` retried, errors that can only be bugs here turned into precondition failures.

/// Reads up to `count` bytes into `buffer`; 0 at end of file.
///
/// The corresponding C function is `read`.
func _read(_ descriptor: FileDescriptor, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Result<Int, Errno> {
    while true {
        let result = read(descriptor.rawValue, buffer, count)
        if result >= 0 { return .success(result) }
        let error = _currentErrno()
        if error == .interrupted { continue }
        _preconditionNotABug(error, "read")
        return .failure(error)
    }
}

/// Receives what a socket holds without waiting: `EAGAIN` when nothing has arrived.
///
/// The corresponding C function is `recv` with `MSG_DONTWAIT`.
func _receiveNow(_ socket: FileDescriptor, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Result<Int, Errno> {
    while true {
        let result = lx_receive_nowait(socket.rawValue, buffer, UInt(count))
        if result >= 0 { return .success(result) }
        let error = _currentErrno()
        if error == .interrupted { continue }
        if error != .resourceTemporarilyUnavailable { _preconditionNotABug(error, "recv") }
        return .failure(error)
    }
}

/// Writes all `count` bytes, retrying short writes; on a socket without `SIGPIPE`.
///
/// The corresponding C functions are `write` and `send` with `MSG_NOSIGNAL`.
package func _writeAll(_ descriptor: FileDescriptor, _ buffer: UnsafeRawPointer, _ count: Int, isSocket: Bool)
    -> Result<Void, Errno> {
    var offset = 0
    while offset < count {
        let result = isSocket
            ? lx_send_nosignal(descriptor.rawValue, buffer + offset, UInt(count - offset))
            : write(descriptor.rawValue, buffer + offset, count - offset)
        if result >= 0 {
            offset += result
            continue
        }
        let error = _currentErrno()
        if error == .interrupted { continue }
        _preconditionNotABug(error, "write")
        return .failure(error)
    }
    return .success(())
}

/// Writes all of `bytes`.
package func _writeAll(_ descriptor: FileDescriptor, _ bytes: [UInt8], isSocket: Bool) -> Result<Void, Errno> {
    bytes.withUnsafeBytes { _writeAll(descriptor, $0.baseAddress!, $0.count, isSocket: isSocket) }
}

/// Reads exactly `count` bytes; `false` at end of file before the first byte, an `EIO`-free error after it.
package func _readExactly(_ descriptor: FileDescriptor, _ buffer: UnsafeMutableRawPointer, _ count: Int)
    -> Result<Bool, Errno> {
    var offset = 0
    while offset < count {
        switch _read(descriptor, buffer + offset, count - offset) {
        case .success(0): return offset == 0 ? .success(false) : .failure(.ioError)
        case .success(let read): offset += read
        case .failure(let error): return .failure(error)
        }
    }
    return .success(true)
}

/// A connected pair of Unix stream sockets, both close-on-exec.
///
/// The corresponding C function is `socketpair`.
package func _socketPair() -> Result<(FileDescriptor, FileDescriptor), Errno> {
    var descriptors: [Int32] = [-1, -1]
    let result = descriptors.withUnsafeMutableBufferPointer { lx_socketpair_cloexec($0.baseAddress!) }
    if result == 0 {
        return .success((FileDescriptor(rawValue: descriptors[0]), FileDescriptor(rawValue: descriptors[1])))
    }
    return .failure(_currentErrno())
}

/// Sends `bytes` with `descriptors` attached (at most ``maximumDescriptorsPerMessage``).
///
/// The corresponding C function is `sendmsg` with `SCM_RIGHTS`.
package func _send(_ socket: FileDescriptor, _ bytes: [UInt8], descriptors: [FileDescriptor]) -> Result<Void, Errno> {
    // The descriptors travel with the first byte; what a short send leaves is written plainly.
    let first = bytes.withUnsafeBytes { _sendDescriptors(socket, $0, descriptors, waiting: true) }
    guard case .success(let sent) = first else { return first.map { _ in () } }
    if sent == bytes.count { return .success(()) }
    return Array(bytes[sent...]).withUnsafeBytes {
        _writeAll(socket, $0.baseAddress!, $0.count, isSocket: true)
    }
}

/// Receives up to `count` bytes and up to `capacity` descriptors (close-on-exec; more are closed); 0 bytes at end
/// of file.
///
/// The corresponding C function is `recvmsg`.
package func _receive(_ socket: FileDescriptor, _ buffer: UnsafeMutableRawPointer, _ count: Int, capacity: Int)
    -> Result<(Int, [FileDescriptor]), Errno> {
    var descriptors: [FileDescriptor] = []
    return _receiveDescriptors(socket, UnsafeMutableRawBufferPointer(start: buffer, count: count),
                               into: &descriptors, capacity: capacity, waiting: true).map { ($0, descriptors) }
}

/// Sends `bytes` (all of them, in one datagram or at the front of a stream) with at most
/// ``maximumDescriptorsPerMessage`` `descriptors` attached; with `waiting` false, `EAGAIN` instead of blocking on a
/// full socket.
///
/// The corresponding C function is `sendmsg` with `SCM_RIGHTS`.
func _sendDescriptors(_ socket: FileDescriptor, _ bytes: UnsafeRawBufferPointer, _ descriptors: [FileDescriptor],
                      waiting: Bool) -> Result<Int, Errno> {
    precondition(descriptors.count <= maximumDescriptorsPerMessage, "too many descriptors for one message")
    let raw = descriptors.map(\.rawValue)
    while true {
        let result = raw.withUnsafeBufferPointer {
            lx_send_descriptors(socket.rawValue, bytes.baseAddress, UInt(bytes.count), $0.baseAddress,
                                Int32(raw.count), waiting ? 0 : 1)
        }
        if result >= 0 { return .success(result) }
        let error = _currentErrno()
        if error == .interrupted { continue }
        return .failure(error)
    }
}

/// Receives up to `buffer.count` bytes and up to `capacity` of the descriptors that came with them (close-on-exec;
/// more are closed), appending them to `descriptors`; 0 bytes at end of file. With `waiting` false, `EAGAIN` when
/// nothing is there.
///
/// The corresponding C function is `recvmsg`.
func _receiveDescriptors(_ socket: FileDescriptor, _ buffer: UnsafeMutableRawBufferPointer,
                         into descriptors: inout [FileDescriptor], capacity: Int = maximumDescriptorsPerMessage,
                         waiting: Bool) -> Result<Int, Errno> {
    withUnsafeTemporaryAllocation(of: Int32.self, capacity: maximumDescriptorsPerMessage) { raw in
        var received: Int32 = 0
        let capacity = Int32(min(max(capacity, 0), raw.count))
        while true {
            let result = lx_receive_descriptors(socket.rawValue, buffer.baseAddress, UInt(buffer.count),
                                                raw.baseAddress, capacity, &received, waiting ? 0 : 1)
            for index in 0..<Int(received) { descriptors.append(FileDescriptor(rawValue: raw[index])) }
            if result >= 0 { return .success(result) }
            let error = _currentErrno()
            if error == .interrupted { continue }
            return .failure(error)
        }
    }
}

/// The most descriptors one message of a socket carries here (the C shims' `LX_MAX_DESCRIPTORS`; the kernel allows
/// 253): more travel as several messages.
let maximumDescriptorsPerMessage = 64

/// Whether the descriptor is a socket (so that writes use `send` with `MSG_NOSIGNAL`).
func _isSocket(_ descriptor: FileDescriptor) -> Bool {
    var information = stat()
    guard fstat(descriptor.rawValue, &information) == 0 else { return false }
    return information.st_mode & S_IFMT == S_IFSOCK
}
