import CLinuxShims
import Multiprocessing
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// A demo host that stays running and forks each cell from itself, so that a cell costs a `fork` instead of an
/// `exec` and the Swift runtime's start (the `lesson` tool starts one per host with ``CellServerProtocol``).
///
/// The runner starts the host as the first process of a PID namespace that dies with the runner; the host forks
/// each cell as the first process of a PID namespace of its own, nested in that one, with a `/proc` of its own in
/// a mount namespace that cells use one at a time (``CellMountNamespaces``), so a cell is contained and sees what a
/// freshly executed one does (``NamespaceRoot``), and nothing outlives the runner. The host never starts a thread:
/// it must stay safe to fork. Each cell starts from the host's state before any demo ran, with
/// `Multiprocessing`'s per-process state made afresh (``Multiprocessing/ForkedProgram``).
///
/// Python's forkserver and the zygote processes of Android and Chromium do the same for the same reason.
enum CellServer {
    private struct Cell {
        var pid: Int32
        var processDescriptor: FileDescriptor
        var control: FileDescriptor
        var mountNamespace: CellMountNamespaces.Lease?
    }

    /// Serves cells and never returns when the runner asked for that; returns at once otherwise.
    static func serveIfRequested(demos: DemoRegistry) {
        guard getenv(CellServerProtocol.variable) != nil else { return }
        let grace = getenv(CellMode.graceVariable).flatMap { Int(String(cString: $0)) } ?? 500
        for name in [CellServerProtocol.variable, CellMode.parentVariable, CellMode.graceVariable] { unsetenv(name) }
        serve(demos: demos, graceMilliseconds: grace)
    }

    private static func serve(demos: DemoRegistry, graceMilliseconds: Int) -> Never {
        let socket = FileDescriptor(rawValue: CellServerProtocol.socketDescriptor)
        let runnerIDs = RunnerIdentity.behindRootOfUserNamespace()
        let ownNamespace = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC)
        // A host that cannot give cells namespaces of their own (a runner that is not root executes it in a user
        // namespace as its own user, without capabilities) says nothing: the runner sees no `ready` and executes
        // each cell instead.
        guard ownNamespace >= 0, lx_can_fork_into_new_pid_namespaces(ownNamespace) == 1,
              case .success = _writeAll(socket, CellServerProtocol.ready, isSocket: true)
        else {
            exit(1)
        }
        // What every cell would otherwise make again after its fork: Multiprocessing's tables and the runtime
        // metadata of `print` to standard output (an empty print writes nothing).
        ForkedProgram.prepareForForking()
        print("", terminator: "")
        var cells: [Cell] = []
        var mountNamespaces = CellMountNamespaces()
        while true {
            var entries = [pollfd(fd: socket.rawValue, events: Int16(POLLIN), revents: 0)]
            entries += cells.map { pollfd(fd: $0.processDescriptor.rawValue, events: Int16(POLLIN), revents: 0) }
            if poll(&entries, nfds_t(entries.count), -1) < 0 { continue }
            var running: [Cell] = []
            for (index, cell) in cells.enumerated() {
                guard entries[index + 1].revents != 0 else {
                    running.append(cell)
                    continue
                }
                var status: Int32 = 0
                while waitpid(cell.pid, &status, 0) < 0 && errno == EINTR {}
                _ = _writeAll(cell.control, littleEndianBytes(status), isSocket: true)
                _close(cell.control)
                _close(cell.processDescriptor)
                mountNamespaces.giveBack(cell.mountNamespace, used: true)
            }
            cells = running
            guard entries[0].revents != 0 else { continue }
            // End of file or a broken request: the runner is gone (or confused). The cells die with this process.
            guard let (request, descriptors) = receiveRequest(socket) else { exit(0) }
            guard let request else {
                _ = _writeAll(descriptors[0], littleEndianBytes(-EINVAL), isSocket: true)
                descriptors.forEach(_close)
                continue
            }
            StandardStreams.flush()
            let mountNamespace = mountNamespaces.lend()
            let pid = lx_fork_into_new_pid_namespace(ownNamespace)
            if pid == 0 {
                _close(socket)
                close(ownNamespace)
                for cell in cells {
                    _close(cell.control)
                    _close(cell.processDescriptor)
                }
                becomeCell(
                    request, descriptors: descriptors, mountNamespace: mountNamespace, demos: demos,
                    graceMilliseconds: graceMilliseconds, runnerIDs: runnerIDs)
            }
            let forkError = errno
            let control = descriptors[0]
            descriptors[1...].forEach(_close)
            guard pid > 0, case .success(let processDescriptor) = _pidfdOpen(pid) else {
                _ = _writeAll(control, littleEndianBytes(pid > 0 ? -EMFILE : -forkError), isSocket: true)
                _close(control)
                if pid > 0 {
                    // A cell that cannot be watched is not run: ended and reaped here, before its namespace is lent
                    // again.
                    kill(pid, SIGKILL)
                    var status: Int32 = 0
                    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                }
                mountNamespaces.giveBack(mountNamespace, used: pid > 0)
                continue
            }
            if case .failure = _send(control, littleEndianBytes(pid), descriptors: [processDescriptor]) {
                // The runner gave up on this cell already: end it; it is reaped like any other.
                _ = _pidfdSendSignal(processDescriptor, .kill)
            }
            cells.append(
                Cell(pid: pid, processDescriptor: processDescriptor, control: control, mountNamespace: mountNamespace))
        }
    }

    /// The next request and its descriptors; a nil request when its payload is not one; nil at end of file or
    /// when the stream is broken.
    private static func receiveRequest(_ socket: FileDescriptor)
        -> (CellServerProtocol.Request?, [FileDescriptor])? {
        var header = [UInt8](repeating: 0, count: 4)
        let received = header.withUnsafeMutableBytes {
            _receive(socket, $0.baseAddress!, 4, capacity: CellServerProtocol.descriptorCount + 4)
        }
        guard case .success(let (count, descriptors)) = received, count > 0 else { return nil }
        guard descriptors.count == CellServerProtocol.descriptorCount else {
            descriptors.forEach(_close)
            return nil
        }
        if count < 4 {
            let rest = header.withUnsafeMutableBytes { _readExactly(socket, $0.baseAddress! + count, 4 - count) }
            guard case .success(true) = rest else {
                descriptors.forEach(_close)
                return nil
            }
        }
        let length = header.enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        guard length <= CellServerProtocol.payloadLimit else {
            descriptors.forEach(_close)
            return nil
        }
        var payload = [UInt8](repeating: 0, count: length)
        if length > 0 {
            guard case .success(true) = payload.withUnsafeMutableBytes({ _readExactly(socket, $0.baseAddress!, length) })
            else {
                descriptors.forEach(_close)
                return nil
            }
        }
        return (CellServerProtocol.Request(decoding: payload), descriptors)
    }

    /// Turns the forked child into the cell's process: stdin at `/dev/null`, stdout, stderr and the report
    /// descriptor at 1, 2 and 3, nothing else open, a process group of its own, dead with the host, and the
    /// runner's user again where the host is root of a user namespace over it.
    private static func becomeCell(
        _ request: CellServerProtocol.Request, descriptors: [FileDescriptor],
        mountNamespace: CellMountNamespaces.Lease?, demos: DemoRegistry, graceMilliseconds: Int,
        runnerIDs: RunnerIdentity?
    ) -> Never {
        ForkedProgram.startAfresh()
        // A /proc of the cell's own namespace, as an executed cell has (`lx_spawn_contained`): in a mount namespace
        // lent by the server, or else in one of its own. First, while the descriptors are still open.
        let mounted = if let mountNamespace {
            lx_enter_cell_mount_namespace(mountNamespace.namespace)
        } else {
            lx_mount_own_proc()
        }
        let mountError = mounted == 0 ? 0 : errno
        _close(descriptors[0])
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        let sources = [null] + descriptors[1...].map(\.rawValue)
        // Out of the way of the targets first, then into place (dup2 clears close-on-exec).
        let above = Int32(sources.count) + 3
        let temporaries = sources.map { fcntl($0, F_DUPFD_CLOEXEC, above) }
        guard !temporaries.contains(where: { $0 < 0 }) else { _exit(127) }
        for (target, temporary) in temporaries.enumerated() where dup2(temporary, Int32(target)) < 0 {
            _exit(127)
        }
        _ = lx_close_range(UInt32(sources.count), UInt32.max, 0)
        _ = setpgid(0, 0)
        ParentDeath.deliver(.kill, expectedParent: nil)
        if mountError != 0 {
            StandardStreams.writeError("lesson: the cell has no /proc of its own: errno \(mountError)\n")
        }
        // Last: the capabilities of the host's user namespace are gone after this.
        if let runnerIDs, lx_become_user_again(runnerIDs.user, runnerIDs.group) != 0 {
            StandardStreams.writeError("lesson: the cell cannot take its runner's user: errno \(errno)\n")
            _exit(126)
        }
        for (name, value) in request.environment { setenv(name, value, 1) }
        CellMode.run(request.demo, arguments: request.arguments, demos: demos, parent: nil,
                     report: Int32(sources.count - 1), graceMilliseconds: graceMilliseconds)
    }

    private static func littleEndianBytes(_ value: Int32) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}

/// The user and group of a runner that is not root, as a host that serves cells sees them: the runner starts it as
/// root of a user namespace that maps 0 to them (so that it may make PID namespaces), and each cell takes them back.
struct RunnerIdentity {
    var user: UInt32
    var group: UInt32

    /// The ids that 0 maps to in this process's user namespace, when it is root there over another user; nil for a
    /// process that is its own user (as under a runner that is root).
    static func behindRootOfUserNamespace() -> RunnerIdentity? {
        guard getuid() == 0, let user = outsideIDOfRoot("/proc/self/uid_map"),
              let group = outsideIDOfRoot("/proc/self/gid_map"), user != 0
        else { return nil }
        return RunnerIdentity(user: user, group: group)
    }

    /// The outside id of a map whose only line maps 0 (`0 OUTSIDE 1`).
    private static func outsideIDOfRoot(_ path: String) -> UInt32? {
        let file = open(path, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { return nil }
        defer { close(file) }
        var bytes = [UInt8](repeating: 0, count: 256)
        let count = read(file, &bytes, bytes.count)
        guard count > 0 else { return nil }
        let lines = String(decoding: bytes[..<count], as: UTF8.self).split(separator: "\n")
        guard lines.count == 1 else { return nil }
        let fields = lines[0].split(separator: " ")
        guard fields.count == 3, fields[0] == "0", fields[2] == "1" else { return nil }
        return UInt32(fields[1])
    }
}
