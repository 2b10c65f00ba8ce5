#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing

/// The private directories (mode 0700) that hold managers' Unix sockets: made by the ``Manager`` that starts a
/// server, removed by it at ``Manager/shutdown()`` — even when the server was killed, since the server never
/// removes them — and, for a manager never shut down, when this process exits normally (`atexit`).
enum ManagerDirectory {
    private static let owned = ForkSafeMutex<(registered: Bool, paths: [String])>((false, []))

    /// Makes `$TMPDIR/mp-manager-XXXXXX` (or under `/tmp`) with mode 0700: only its owner can enter it.
    ///
    /// The corresponding C function is `mkdtemp`.
    static func make() throws(MultiprocessingError) -> String {
        let base = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/mp-manager-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else {
            throw MultiprocessingError(.systemCallFailed, "cannot make a private directory under \(base)",
                                       underlyingError: _currentErrno())
        }
        let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let register = owned.withLock { state in
            state.paths.append(path)
            defer { state.registered = true }
            return !state.registered
        }
        if register { atexit { ManagerDirectory.removeAll() } }
        return path
    }

    /// The socket's path in `directory`.
    static func socketPath(in directory: String) -> String { directory + "/listener" }

    /// Removes the socket and the directory.
    static func remove(_ directory: String) {
        _ = unlink(socketPath(in: directory))
        _ = rmdir(directory)
        owned.withLock { $0.paths.removeAll { $0 == directory } }
    }

    private static func removeAll() {
        for directory in owned.withLock({ $0.paths }) { remove(directory) }
    }
}
