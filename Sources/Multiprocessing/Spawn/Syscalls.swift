#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims
import SystemPackage

// The internal middle layer over the system calls this module makes: each returns a `Result` with the `Errno`,
// retries `EINTR` where that is meaningful, and treats errors that can only mean a bug here as precondition
// failures. The public, throwing layer is on `ChildProcess`, `Subreaper` and `ProcessContainer`.

/// The `errno` of the call that just failed.
@inline(__always)
package func _currentErrno() -> Errno {
    Errno(rawValue: errno)
}

/// Fails on errors that mean the caller passed a bad descriptor or pointer.
@inline(__always)
func _preconditionNotABug(_ error: Errno, _ call: StaticString) {
    precondition(error != .badFileDescriptor && error != .badAddress, "\(call) failed: \(error)")
}

/// Reaps `pid` if it has exited: its wait status, or `nil` while it runs.
///
/// The corresponding C function is `waitpid` with `WNOHANG`.
func _waitpidNoHang(_ pid: Int32) -> Result<Int32?, Errno> {
    precondition(pid > 0, "waitpid on a group or any child is never wanted here")
    while true {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid { return .success(status) }
        if result == 0 { return .success(nil) }
        let error = _currentErrno()
        if error == .interrupted { continue }
        precondition(error != .invalidArgument, "waitpid: invalid options")
        return .failure(error)
    }
}

/// Blocks until the child `pid` has exited, and leaves it a zombie so that the caller reaps it at a moment of
/// its choosing.
///
/// The corresponding C function is `waitid` with `P_PID`, `WEXITED` and `WNOWAIT`.
func _waitForExitWithoutReaping(_ pid: Int32) -> Result<Void, Errno> {
    while true {
        var info = siginfo_t()
        if waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == 0 { return .success(()) }
        let error = _currentErrno()
        if error == .interrupted { continue }
        _preconditionNotABug(error, "waitid")
        return .failure(error)
    }
}

/// A process file descriptor (close-on-exec) that refers to `pid` for as long as it stays open.
///
/// The corresponding C function is `pidfd_open`.
package func _pidfdOpen(_ pid: Int32) -> Result<FileDescriptor, Errno> {
    let result = lx_pidfd_open(pid, 0)
    if result >= 0 { return .success(FileDescriptor(rawValue: result)) }
    let error = _currentErrno()
    precondition(error != .invalidArgument || pid > 0, "pidfd_open: invalid pid \(pid)")
    return .failure(error)
}

/// Sends `signal` to the process `descriptor` refers to; `ESRCH` means it has exited.
///
/// The corresponding C function is `pidfd_send_signal`.
package func _pidfdSendSignal(_ descriptor: FileDescriptor, _ signal: Signal) -> Result<Void, Errno> {
    if lx_pidfd_send_signal(descriptor.rawValue, signal.rawValue) == 0 { return .success(()) }
    let error = _currentErrno()
    _preconditionNotABug(error, "pidfd_send_signal")
    return .failure(error)
}

/// Sends `signal` to a process (`target` > 0) or a process group (`target` < 0).
///
/// The corresponding C function is `kill`.
func _kill(_ target: Int32, _ signal: Signal) -> Result<Void, Errno> {
    precondition(target != 0 && target != -1, "kill(0) and kill(-1) are never wanted here")
    if kill(target, signal.rawValue) == 0 { return .success(()) }
    return .failure(_currentErrno())
}

/// Waits until `descriptor` is readable (or hung up) or `milliseconds` pass (-1: forever). `EINTR` is returned,
/// so that the caller recomputes its timeout.
///
/// The corresponding C function is `poll`.
package func _pollReadable(_ descriptor: FileDescriptor, milliseconds: Int32) -> Result<Bool, Errno> {
    var entry = pollfd(fd: descriptor.rawValue, events: Int16(POLLIN), revents: 0)
    let result = poll(&entry, 1, milliseconds)
    if result > 0 {
        precondition(entry.revents & Int16(POLLNVAL) == 0, "poll: descriptor \(descriptor.rawValue) is not open")
        return .success(true)
    }
    if result == 0 { return .success(false) }
    let error = _currentErrno()
    _preconditionNotABug(error, "poll")
    return .failure(error)
}

/// Waits until `descriptor` is readable or `deadline` has passed (`nil`: for as long as it takes), waiting again
/// when a signal interrupts the wait.
package func _pollReadable(_ descriptor: FileDescriptor, until deadline: ContinuousClock.Instant?) -> Result<Bool, Errno> {
    while true {
        let milliseconds = deadline.map { _milliseconds(rounding: ContinuousClock.now.duration(to: $0)) } ?? -1
        let result = _pollReadable(descriptor, milliseconds: milliseconds)
        if case .failure(.interrupted) = result { continue }
        return result
    }
}

/// A pipe whose both ends are close-on-exec.
///
/// The corresponding C function is `pipe2` with `O_CLOEXEC`.
package func _pipe() -> Result<(readEnd: FileDescriptor, writeEnd: FileDescriptor), Errno> {
    var descriptors: [Int32] = [-1, -1]
    let result = descriptors.withUnsafeMutableBufferPointer { lx_pipe_cloexec($0.baseAddress!) }
    if result == 0 {
        return .success((FileDescriptor(rawValue: descriptors[0]), FileDescriptor(rawValue: descriptors[1])))
    }
    let error = _currentErrno()
    _preconditionNotABug(error, "pipe2")
    return .failure(error)
}

/// Closes a descriptor this module owns, ignoring `EINTR` (on Linux the descriptor is closed anyway).
///
/// The corresponding C function is `close`.
package func _close(_ descriptor: FileDescriptor) {
    if close(descriptor.rawValue) != 0 {
        let error = _currentErrno()
        _preconditionNotABug(error, "close")
    }
}

/// Sleeps for `duration`, or less if a signal interrupts.
///
/// The corresponding C function is `nanosleep`.
func _sleep(_ duration: Duration) {
    let (seconds, attoseconds) = duration.components
    var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
    _ = nanosleep(&request, nil)
}

/// Milliseconds for `poll`, rounded up so that a wait never ends before its deadline; clamped to `Int32`.
func _milliseconds(rounding duration: Duration) -> Int32 {
    if duration <= .zero { return 0 }
    let nanoseconds = duration.saturatingNanoseconds
    return Int32(clamping: nanoseconds / 1_000_000 + (nanoseconds % 1_000_000 > 0 ? 1 : 0))
}
