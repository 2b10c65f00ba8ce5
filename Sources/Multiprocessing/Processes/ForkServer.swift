#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims
import SystemPackage

// The fork server: a copy of the executable, spawned on first use with `MULTIPROCESSING_CHILD=forkserver`, that
// only ever runs `bootstrap` and then this loop, so it stays single-threaded and can fork safely.
//
// Protocol on the request socket (descriptor 3 in the server): the client sends 4 bytes (the number of descriptors)
// with the descriptors attached by SCM_RIGHTS: the child's end of its control channel, the write end of a status
// pipe, then the descriptors the arguments carry. The server forks; the child moves them to 3, 4, 5, … (the status
// pipe stays behind) and reads its request on 3 like a spawned child. The server answers the pid (4 bytes,
// negative errno on failure), watches the child through a pidfd, reaps it, and writes the 4-byte wait status to the
// status pipe. End of file on the request socket stops the server; its children die with it.

/// The client side, in the process that starts ``Process``es with ``StartMethod/forkserver``.
enum ForkServerClient {
    private struct Server: Sendable {
        var process: ChildProcess
        var socket: FileDescriptor
    }

    private static let server = ForkSafeMutex<Server?>(nil)

    /// Forgets the parent's server in a forked child (its socket is closed by then). The copy of its
    /// ``ChildProcess`` is leaked on purpose: its `deinit` would kill the parent's server.
    static func resetAfterFork() {
        server.withLock { server in
            if let running = server { _ = Unmanaged.passRetained(running.process) }
            server = nil
        }
    }

    /// Asks the server to fork a child with `control` (the child's end of its control channel) and `descriptors`.
    static func start(control: FileDescriptor, passing descriptors: [FileDescriptor], name: String)
        throws(MultiprocessingError) -> ChildHandle {
        try server.withLock { (server) throws(MultiprocessingError) -> ChildHandle in
            for attempt in 0..<2 {
                if server == nil { server = try launch() }
                do throws(MultiprocessingError) {
                    return try request(server!.socket, control: control, passing: descriptors, name: name)
                } catch {
                    // The server died: start another, once.
                    guard error.code == .endOfFile && attempt == 0 else { throw error }
                    stop(&server)
                }
            }
            throw MultiprocessingError(.startFailed, "cannot start \(name): the fork server keeps failing")
        }
    }

    static func shutdown() {
        server.withLock { stop(&$0) }
    }

    private static func stop(_ server: inout Server?) {
        guard let running = server else { return }
        server = nil
        _close(running.socket)
        if (try? running.process.wait(timeout: .seconds(2))) == nil {
            try? running.process.send(.kill)
            _ = try? running.process.wait()
        }
    }

    private static func launch() throws(MultiprocessingError) -> Server {
        let (ours, theirs): (FileDescriptor, FileDescriptor)
        switch _socketPair() {
        case .success(let pair): (ours, theirs) = pair
        case .failure(let error):
            throw MultiprocessingError(.startFailed, "cannot start the fork server", underlyingError: error)
        }
        defer { _close(theirs) }
        do {
            let configuration = Launcher.childConfiguration(mode: "forkserver", descriptors: [theirs])
            let process = try SpawnerThread.spawn(configuration)
            return Server(process: process, socket: ours)
        } catch {
            _close(ours)
            throw MultiprocessingError(.startFailed, "cannot start the fork server: \(error.message)",
                                       underlyingError: error.underlyingError)
        }
    }

    private static func request(_ socket: FileDescriptor, control: FileDescriptor,
                                passing descriptors: [FileDescriptor], name: String)
        throws(MultiprocessingError) -> ChildHandle {
        let status: (readEnd: FileDescriptor, writeEnd: FileDescriptor)
        switch _pipe() {
        case .success(let pair): status = pair
        case .failure(let error):
            throw MultiprocessingError(.startFailed, "cannot start \(name)", underlyingError: error)
        }
        var succeeded = false
        defer {
            _close(status.writeEnd)
            if !succeeded { _close(status.readEnd) }
        }
        let all = [control, status.writeEnd] + descriptors
        let count = UInt32(all.count).littleEndian
        let header = withUnsafeBytes(of: count) { Array($0) }
        if case .failure(let error) = _send(socket, header, descriptors: all) {
            throw MultiprocessingError(.endOfFile, "the fork server is gone", underlyingError: error)
        }
        var reply: Int32 = 0
        switch withUnsafeMutableBytes(of: &reply, { _readExactly(socket, $0.baseAddress!, 4) }) {
        case .success(true): break
        case .success(false), .failure:
            throw MultiprocessingError(.endOfFile, "the fork server is gone")
        }
        let pid = Int32(littleEndian: reply)
        guard pid > 0 else {
            throw MultiprocessingError(.startFailed, "the fork server cannot fork \(name)",
                                       underlyingError: Errno(rawValue: -pid))
        }
        let processDescriptor: FileDescriptor? = switch _pidfdOpen(pid) {
        case .success(let descriptor): descriptor
        case .failure: nil
        }
        succeeded = true
        let child = ServerChild(id: ProcessID(rawValue: pid), statusDescriptor: status.readEnd,
                                processDescriptor: processDescriptor)
        return .remote(child)
    }
}

/// Stops this process's fork server, if one runs, and waits for it: its children die with it. A later
/// ``StartMethod/forkserver`` start launches a new one. Tests call it to leave no process behind; programs need
/// not (the server stops when this process exits).
public func shutdownForkServer() {
    ForkServerClient.shutdown()
}

/// The server side.
enum ForkServer {
    private struct Child {
        var pid: Int32
        var processDescriptor: FileDescriptor
        var status: FileDescriptor
    }

    /// A function that does nothing, run once in the server before it forks anything: see ``warmUp()``.
    private static let warmUpFunction = ProcessFunction("multiprocessing.forkserver.warm-up") { (_: Empty) in }

    /// Runs a child's path once — a request decoded, a function with its arguments decoded and its result
    /// encoded, a reply encoded — so that the Swift runtime's lazily built caches (type metadata, protocol
    /// conformances) are built here, once, and every forked child inherits them instead of building them again.
    /// Python's forkserver preloads modules for the same reason.
    static func warmUp() {
        let request = StartRequest(version: Handshake.version, function: warmUpFunction.name, name: "warm-up",
                                   identity: [1], startMethod: .forkserver, daemon: false, parentID: 0,
                                   parentName: "", descriptorCount: 0,
                                   arguments: (try? BinaryEncoder().encode(Empty())) ?? [])
        let bytes = request.encoded()
        guard let decoded = try? bytes.withUnsafeBufferPointer({ try StartRequest(decoding: $0) }),
              let result = try? warmUpFunction.registration.invoke(decoded.arguments, DescriptorTransfer())
        else { return }
        _ = ChildReply.returned(result).encoded()
        _ = ContinuousClock.now
    }

    static func serve() -> Never {
        warmUp()
        let socket = FileDescriptor(rawValue: Handshake.controlDescriptor)
        let me = getpid()
        var children: [Child] = []
        while true {
            var entries = [pollfd(fd: socket.rawValue, events: Int16(POLLIN), revents: 0)]
            entries += children.map { pollfd(fd: $0.processDescriptor.rawValue, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&entries, nfds_t(entries.count), -1)
            if ready < 0 { continue }
            var remaining: [Child] = []
            for (index, child) in children.enumerated() {
                guard entries[index + 1].revents != 0 else {
                    remaining.append(child)
                    continue
                }
                var status: Int32 = 0
                while waitpid(child.pid, &status, 0) < 0 && errno == EINTR {}
                var word = status.littleEndian
                _ = withUnsafeBytes(of: &word) { _writeAll(child.status, $0.baseAddress!, 4, isSocket: false) }
                _close(child.status)
                _close(child.processDescriptor)
            }
            children = remaining
            guard entries[0].revents != 0 else { continue }

            var header: UInt32 = 0
            let received = withUnsafeMutableBytes(of: &header) {
                _receive(socket, $0.baseAddress!, 4, capacity: 64)
            }
            guard case .success(let (count, descriptors)) = received, count == 4, descriptors.count >= 2 else {
                // End of file (or garbage): the client is gone. The children die with this process.
                _exit(0)
            }
            StandardStreams.flush()
            let pid = lx_fork()
            if pid == 0 {
                _close(socket)
                _close(descriptors[1])
                for child in children {
                    _close(child.status)
                    _close(child.processDescriptor)
                }
                Launcher.becomeForkedChild(descriptors: [descriptors[0]] + descriptors[2...], parent: me)
            }
            let forkError = errno
            _close(descriptors[0])
            for descriptor in descriptors[2...] { _close(descriptor) }
            var reply: Int32
            if pid > 0, case .success(let processDescriptor) = _pidfdOpen(pid) {
                children.append(Child(pid: pid, processDescriptor: processDescriptor, status: descriptors[1]))
                reply = pid
            } else {
                _close(descriptors[1])
                reply = pid > 0 ? -EMFILE : -forkError
            }
            reply = reply.littleEndian
            _ = withUnsafeBytes(of: &reply) { _writeAll(socket, $0.baseAddress!, 4, isSocket: true) }
        }
    }
}
