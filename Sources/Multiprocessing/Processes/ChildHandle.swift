#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// A started child as the parent tracks it: a child of this process (spawn, fork), or a child of the fork server.
enum ChildHandle: Sendable {
    case local(ChildProcess)
    case remote(ServerChild)

    var id: ProcessID {
        switch self {
        case .local(let child): child.id
        case .remote(let child): child.id
        }
    }

    /// Readable once the child has ended.
    var exitDescriptor: FileDescriptor {
        switch self {
        case .local(let child): child.exitDescriptor
        case .remote(let child): child.statusDescriptor
        }
    }

    func poll() throws(MultiprocessingError) -> TerminationStatus? {
        switch self {
        case .local(let child):
            do { return try child.poll() } catch { throw MultiprocessingError(error) }
        case .remote(let child):
            return child.poll(blocking: false)
        }
    }

    func wait(timeout: Duration?) throws(MultiprocessingError) -> TerminationStatus? {
        switch self {
        case .local(let child):
            do {
                if let timeout { return try child.wait(timeout: timeout) }
                return try child.wait()
            } catch {
                throw MultiprocessingError(error)
            }
        case .remote(let child):
            if let timeout {
                guard case .success(true) = _pollReadable(child.statusDescriptor,
                                                          milliseconds: _milliseconds(rounding: timeout))
                else { return child.poll(blocking: false) }
            }
            return child.poll(blocking: true)
        }
    }

    func send(_ signal: Signal) throws(MultiprocessingError) {
        switch self {
        case .local(let child):
            do { try child.send(signal) } catch { throw MultiprocessingError(error) }
        case .remote(let child):
            child.send(signal)
        }
    }
}

extension MultiprocessingError {
    /// Wraps an error of the spawn layer.
    init(_ error: SpawnError) {
        self.init(.systemCallFailed, error.message, underlyingError: error.underlyingError)
    }
}

/// A child the fork server forked: not this process's child, so its end arrives as a wait status the server writes
/// to ``statusDescriptor``; signals go through a pidfd opened right after the fork.
final class ServerChild: Sendable {
    let id: ProcessID
    let statusDescriptor: FileDescriptor
    private let processDescriptor: FileDescriptor?
    private let status = ForkSafeMutex<TerminationStatus?>(nil)

    init(id: ProcessID, statusDescriptor: FileDescriptor, processDescriptor: FileDescriptor?) {
        self.id = id
        self.statusDescriptor = statusDescriptor
        self.processDescriptor = processDescriptor
    }

    /// The status, reading it from the server when it is there (or blocking for it). A server that died without
    /// writing it means the child was killed with it.
    func poll(blocking: Bool) -> TerminationStatus? {
        status.withLock { status in
            if let status { return status }
            if !blocking, case .success(false) = _pollReadable(statusDescriptor, milliseconds: 0) { return nil }
            var word: Int32 = 0
            switch withUnsafeMutableBytes(of: &word, { _readExactly(statusDescriptor, $0.baseAddress!, 4) }) {
            case .success(true):
                status = TerminationStatus(waitStatus: Int32(littleEndian: word))
            default:
                status = .signaled(.kill)
            }
            return status
        }
    }

    func send(_ signal: Signal) {
        guard poll(blocking: false) == nil else { return }
        if let processDescriptor {
            _ = _pidfdSendSignal(processDescriptor, signal)
        } else {
            _ = _kill(id.rawValue, signal)
        }
    }

    deinit {
        _close(statusDescriptor)
        if let processDescriptor { _close(processDescriptor) }
    }
}
