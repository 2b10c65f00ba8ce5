#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// Named shared memory: blocks under `/dev/shm`, where `shm_open` puts them, so that any process can attach to
/// one by name, a Python program too. What this adds to `shm_open` is that a name does not outlive its holders.
///
/// **The problem.** A POSIX name lives until someone unlinks it. Python unlinks from a resource tracker, a helper
/// process: when the processes are killed (SIGKILL, or the end of a PID namespace, which kills the tracker with
/// them) the names stay under `/dev/shm` until the machine restarts; and a process that only attached to a block
/// registers it with its own tracker, which unlinks it at exit while the creator still uses it (CPython gh-82300).
///
/// **The design.** A process that has a named block open holds a shared `flock` on its own open file description;
/// the kernel drops that lock when the process closes the block or dies, however it dies, and a lock names no
/// process, so process ids, PID namespaces and being process 1 do not matter. A block whose lock can be taken
/// exclusively has no holder left. The blocks this library creates carry a mark, the sticky bit in their mode
/// (`01600`; Python creates `0600`, other programs rarely set it on a file), so the library only ever removes its
/// own blocks, never one a Python program made, and it removes one only when no process holds it:
/// - when the last holder closes it (``SharedMemory/close()`` or `deinit`), that holder removes the name;
/// - after a crash, nobody closed it: any later creation of a named block, or ``reclaimAbandoned()``, sweeps
///   `/dev/shm` for marked blocks of this user whose lock can be taken and removes them.
///
/// Three races are closed. A creator makes its block under a temporary name, locks it, sizes it, and only then
/// links it to the requested name (`link` fails with `EEXIST` at once when the name is taken), so no block is ever
/// visible under its name without its holder's lock; a sweep may remove a temporary that is not locked yet, which
/// the creator sees when `link` fails with `ENOENT`, and it starts again. An attaching process locks after it
/// opens, then checks that the name still leads to the block it opened: if a sweep or a last holder removed it in
/// between, it opens again (and finds nothing, or the new block). A sweep or a last holder removes a name only
/// while it holds the exclusive lock and after checking that the name still leads to that block.
///
/// What is not covered: a process that maps a block without this library (a Python program) holds no lock, so the
/// library may remove the name of one of its own blocks while such a process still uses it (its mapping stays
/// valid; only the name goes); and a process that removes a name and creates another block under it between a
/// sweep's check and its `unlink` would lose the new name, which only a program other than this library can do.
enum SharedMemoryDirectory {
    /// Where `shm_open` puts names on Linux (glibc's `__shm_directory`).
    static let path = "/dev/shm"
    /// The mode of the blocks this library creates: owner read and write, and the sticky bit as its mark.
    static let createdMode: mode_t = S_ISVTX | S_IRUSR | S_IWUSR
    /// The start of the names made for blocks created without one (Python uses `psm_`).
    static let generatedPrefix = "swiftmp_"
    /// The start of the temporary names under which blocks are made before they are linked to their own.
    static let temporaryPrefix = "swiftmp_creating_"

    /// A block, as the kernel knows it: names may change what they lead to, this does not.
    struct Identity: Equatable, Sendable {
        var device: UInt64
        var inode: UInt64

        init(_ information: stat) {
            device = UInt64(information.st_dev)
            inode = UInt64(information.st_ino)
        }
    }

    /// A block just created or attached, mapped, with this process's shared lock held on its descriptor.
    struct Opened {
        /// The name, validated.
        var name: String
        var mapping: SharedMemoryMapping
        var identity: Identity
        /// Whether this library created the block (its mode carries the mark).
        var marked: Bool
    }

    /// `name` without its leading slashes (Python's `name`), or an error when `shm_open` could not take it.
    static func validated(_ name: String) throws(MultiprocessingError) -> String {
        let plain = String(name.drop { $0 == "/" })
        guard !plain.isEmpty, plain != ".", plain != "..", !plain.contains("/"), !plain.utf8.contains(0),
              plain.utf8.count <= 255
        else {
            throw MultiprocessingError(.invalidArgument, "a shared memory name must be 1 to 255 bytes without \"/\" "
                + "(one leading \"/\" is allowed) and not \".\" or \"..\", not \(name.debugDescription)")
        }
        return plain
    }

    /// A new name starting with `prefix` and 16 random hexadecimal digits.
    static func generatedName(prefix: String = generatedPrefix) -> String {
        let digits = String(UInt64.random(in: .min ... .max), radix: 16)
        return prefix + String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// Creates a block of `size` bytes named `name` (validated), marked, mapped and held.
    ///
    /// - Throws: ``MultiprocessingError/Code/alreadyExists`` when the name is taken,
    ///   ``MultiprocessingError/Code/systemCallFailed`` when the block cannot be made or mapped.
    static func create(name: String, size: Int) throws(MultiprocessingError) -> Opened {
        for _ in 0..<16 {
            let temporary = generatedName(prefix: temporaryPrefix)
            let raw = open(path + "/" + temporary, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, createdMode)
            if raw < 0 {
                let error = _currentErrno()
                if error == .fileExists { continue }
                throw MultiprocessingError(.systemCallFailed, "cannot create shared memory in \(path)",
                                           underlyingError: error)
            }
            let descriptor = FileDescriptor(rawValue: raw)
            var mapping: SharedMemoryMapping?
            do throws(MultiprocessingError) {
                // The mode asked of `open` loses the bits of the umask.
                guard fchmod(raw, createdMode) == 0 else { throw failure("cannot mark shared memory") }
                try lockShared(descriptor, name: temporary)
                guard ftruncate(raw, off_t(size)) == 0 else { throw failure("cannot size shared memory") }
                mapping = try SharedMemoryMapping(adopting: descriptor, size: size)
                var information = stat()
                guard fstat(raw, &information) == 0 else { throw failure("cannot inspect shared memory") }
                if link(path + "/" + temporary, path + "/" + name) != 0 {
                    let error = _currentErrno()
                    // A sweep removed the temporary before it was locked: start again under another.
                    if error == .noSuchFileOrDirectory { continue }
                    if error == .fileExists {
                        throw MultiprocessingError(.alreadyExists, "shared memory named \(name) already exists",
                                                   underlyingError: error)
                    }
                    throw MultiprocessingError(.systemCallFailed, "cannot name shared memory \(name)",
                                               underlyingError: error)
                }
                unlink(path + "/" + temporary)
                return Opened(name: name, mapping: mapping!, identity: Identity(information), marked: true)
            } catch {
                unlink(path + "/" + temporary)
                if mapping == nil { _close(descriptor) }
                throw error
            }
        }
        throw MultiprocessingError(.systemCallFailed, "cannot create shared memory named \(name): its temporary "
            + "name was removed again and again")
    }

    /// Opens, locks and maps the block named `name` (validated).
    ///
    /// - Throws: ``MultiprocessingError/Code/notFound`` when no block has that name,
    ///   ``MultiprocessingError/Code/invalidArgument`` when it is empty (a creator that has not sized it yet),
    ///   ``MultiprocessingError/Code/systemCallFailed`` when it cannot be opened (permissions) or mapped.
    static func attach(name: String) throws(MultiprocessingError) -> Opened {
        for _ in 0..<16 {
            let raw = open(path + "/" + name, O_RDWR | O_CLOEXEC | O_NOFOLLOW)
            if raw < 0 {
                let error = _currentErrno()
                if error == .noSuchFileOrDirectory {
                    throw MultiprocessingError(.notFound, "no shared memory is named \(name)", underlyingError: error)
                }
                throw MultiprocessingError(.systemCallFailed, "cannot open shared memory \(name)",
                                           underlyingError: error)
            }
            let descriptor = FileDescriptor(rawValue: raw)
            var information = stat()
            do throws(MultiprocessingError) {
                try lockShared(descriptor, name: name)
                guard fstat(raw, &information) == 0 else { throw failure("cannot inspect shared memory \(name)") }
            } catch {
                _close(descriptor)
                throw error
            }
            // Removed (or replaced) between the open and the lock: open what the name leads to now.
            guard identity(ofName: name) == Identity(information) else {
                _close(descriptor)
                continue
            }
            guard information.st_mode & S_IFMT == S_IFREG, information.st_size > 0 else {
                _close(descriptor)
                throw MultiprocessingError(.invalidArgument, "shared memory \(name) is empty: it cannot be mapped")
            }
            let mapping = try SharedMemoryMapping(adopting: descriptor, size: Int(information.st_size))
            return Opened(name: name, mapping: mapping, identity: Identity(information),
                          marked: isMarked(information))
        }
        throw MultiprocessingError(.notFound, "shared memory \(name) was removed again and again while it was "
            + "being opened")
    }

    /// What `name` leads to now, or `nil` when nothing does.
    static func identity(ofName name: String) -> Identity? {
        var information = stat()
        guard lstat(path + "/" + name, &information) == 0 else { return nil }
        return Identity(information)
    }

    /// What `descriptor` leads to, or `nil` when it cannot be inspected.
    static func identity(of descriptor: FileDescriptor) -> Identity? {
        var information = stat()
        guard fstat(descriptor.rawValue, &information) == 0 else { return nil }
        return Identity(information)
    }

    /// Removes `name` when this process is the block's last holder: it takes the exclusive lock on `descriptor`,
    /// whose shared lock it held, and the name still leads to the block. Returns whether it removed it. The
    /// descriptor is about to be closed: a failed attempt leaves it without a lock.
    static func removeIfLastHolder(name: String, identity: Identity, descriptor: FileDescriptor) -> Bool {
        guard flock(descriptor.rawValue, LOCK_EX | LOCK_NB) == 0, self.identity(ofName: name) == identity else {
            return false
        }
        return unlink(path + "/" + name) == 0
    }

    /// Removes the names of this user's blocks that this library created and that no process holds any more:
    /// their holders died without closing them (killed, crashed). Returns the names removed.
    ///
    /// - Throws: ``MultiprocessingError/Code/systemCallFailed`` when `/dev/shm` cannot be read.
    static func reclaimAbandoned() throws(MultiprocessingError) -> [String] {
        guard let directory = opendir(path) else {
            throw MultiprocessingError(.systemCallFailed, "cannot read \(path)", underlyingError: _currentErrno())
        }
        defer { closedir(directory) }
        var removed: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            var information = stat()
            guard name != ".", name != "..", lstat(path + "/" + name, &information) == 0,
                  information.st_mode & S_IFMT == S_IFREG, isMarked(information)
            else { continue }
            let raw = open(path + "/" + name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
            guard raw >= 0 else { continue }
            defer { close(raw) }
            var opened = stat()
            guard flock(raw, LOCK_EX | LOCK_NB) == 0, fstat(raw, &opened) == 0,
                  identity(ofName: name) == Identity(opened), unlink(path + "/" + name) == 0
            else { continue }
            removed.append(name)
        }
        return removed
    }

    /// Whether this library created the block, for this user.
    private static func isMarked(_ information: stat) -> Bool {
        information.st_mode & S_ISVTX != 0 && information.st_uid == geteuid()
    }

    /// Takes a shared lock on `descriptor`. A sweep or a last holder holds the exclusive lock for a moment only;
    /// waiting longer means another program locks the block, which is an error rather than a hang.
    private static func lockShared(_ descriptor: FileDescriptor, name: String) throws(MultiprocessingError) {
        for _ in 0..<2_000 {
            if flock(descriptor.rawValue, LOCK_SH | LOCK_NB) == 0 { return }
            let error = _currentErrno()
            guard error == .wouldBlock || error == .interrupted else {
                throw MultiprocessingError(.systemCallFailed, "cannot lock shared memory \(name)",
                                           underlyingError: error)
            }
            _sleep(.milliseconds(1))
        }
        throw MultiprocessingError(.systemCallFailed, "shared memory \(name) stayed locked by another program",
                                   underlyingError: .wouldBlock)
    }

    private static func failure(_ message: String) -> MultiprocessingError {
        MultiprocessingError(.systemCallFailed, message, underlyingError: _currentErrno())
    }
}
