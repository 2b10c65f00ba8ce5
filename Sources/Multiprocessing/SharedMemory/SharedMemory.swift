#if canImport(Glibc)
import Glibc
#endif

/// A block of shared memory, as Python's `multiprocessing.shared_memory.SharedMemory`: without a name, or with one
/// that any process can attach to.
///
/// ```swift
/// let block = try SharedMemory(size: 4096)
/// block[0] = 42
/// let child = Process(target: work, arguments: block)   // the child sees block[0] == 42
/// ```
///
/// A block made with ``init(size:)`` has no name: the memory is a `memfd` passed to children as a descriptor among
/// a ``Process``'s arguments, and the kernel frees it when the last process that maps it closes it or dies. Nothing
/// appears under `/dev/shm` and there is nothing to unlink.
///
/// A block made with ``init(name:create:size:)`` has a name under `/dev/shm`, as `shm_open` makes it, so that
/// another program can attach to it by name, even one that this program did not start, or a Python program:
///
/// ```swift
/// let block = try SharedMemory(name: "results", create: true, size: 4096)   // in one program
/// let same = try SharedMemory(name: "results")                               // in another
/// ```
///
/// Unlike Python's, a name does not outlive the processes that use the block, and it is never removed under them:
/// every process that has the block open holds a lock on it, which the kernel drops when the process closes the
/// block or dies, even by `SIGKILL`. The last holder to ``close()`` a block this library created removes its name;
/// when every holder was killed, the next creation of a named block in any process, or ``reclaimAbandoned()``,
/// removes it. A process that only attached never removes a block others still use (Python's resource tracker
/// does, CPython gh-82300), and the library removes no block it did not create (a Python program's) unless
/// ``unlink()`` is called, which removes the name at once, as Python's does. The design and its limits are in
/// <doc:SynchronizationAndSharedMemory>.
public final class SharedMemory: Codable, Sendable, CustomStringConvertible {
    let mapping: SharedMemoryMapping
    /// The name and this process's hold on it; `nil` for a block without a name.
    private let named: Named?
    /// Whether ``close()`` or ``unlink()`` removed the name, so that it is removed once.
    private let removal = ForkSafeMutex(Removal())

    private struct Removal {
        /// ``unlink()`` removed it.
        var unlinked = false
        /// ``close()`` removed it, as the last holder.
        var closedLast = false
    }

    /// A block's name, what the name led to when it was opened, and whether this process holds it.
    private struct Named: Sendable {
        var name: String
        var identity: SharedMemoryDirectory.Identity
        /// Whether this library created the block: only such a block is removed by its last holder.
        var marked: Bool
        /// Whether this object's descriptor holds the block's lock: the one that opened it by name.
        var holds: Bool
        /// The process that opened it: a forked child shares the descriptor and its lock, so it must not act as
        /// the last holder.
        var openedBy: Int32
    }

    /// New zero-filled shared memory of `size` bytes (at least 1), without a name.
    ///
    /// - Throws: ``MultiprocessingError/Code/invalidArgument`` when `size` is not positive (Python's
    ///   `ValueError`), ``MultiprocessingError/Code/systemCallFailed`` when the memory cannot be made (too large).
    public init(size: Int) throws(MultiprocessingError) {
        guard size > 0 else {
            throw MultiprocessingError(.invalidArgument, "shared memory's size must be positive, not \(size)")
        }
        mapping = try SharedMemoryMapping(size: size, name: "multiprocessing-SharedMemory")
        named = nil
    }

    /// Creates a named block, or attaches to an existing one, as Python's
    /// `SharedMemory(name=None, create=False, size=0)`.
    ///
    /// With `create`, a new zero-filled block of `size` bytes is made under `name`, or under a new unique name
    /// (``name``) when `name` is `nil`. Without it, the block named `name` is opened, whoever made it (a Python
    /// program too), and `size` is ignored: ``size`` is the block's. A leading `/` in `name` is dropped, as
    /// `shm_open` and Python do.
    ///
    /// Creating first removes the names of blocks this library created whose processes all died without closing
    /// them (see ``reclaimAbandoned()``).
    ///
    /// - Parameters:
    ///   - name: The block's name under `/dev/shm`: 1 to 255 bytes without `/`. `nil` only with `create`.
    ///   - create: Whether to make a new block rather than attach to an existing one.
    ///   - size: The size in bytes of a new block; must be positive with `create`, and never negative.
    /// - Throws: ``MultiprocessingError/Code/alreadyExists`` when creating under a name that exists (Python's
    ///   `FileExistsError`); ``MultiprocessingError/Code/notFound`` when attaching to a name that does not
    ///   (`FileNotFoundError`); ``MultiprocessingError/Code/invalidArgument`` for a size that is not positive with
    ///   `create` or is negative, a malformed name, no name without `create`, or an empty block (`ValueError`);
    ///   ``MultiprocessingError/Code/systemCallFailed`` when the block cannot be made, opened or mapped.
    public init(name: String?, create: Bool = false, size: Int = 0) throws(MultiprocessingError) {
        guard size >= 0 else {
            throw MultiprocessingError(.invalidArgument, "shared memory's size must not be negative, not \(size)")
        }
        let opened: SharedMemoryDirectory.Opened
        if create {
            guard size > 0 else {
                throw MultiprocessingError(.invalidArgument, "a new shared memory block's size must be positive, "
                    + "not \(size)")
            }
            if let name {
                let requested = try SharedMemoryDirectory.validated(name)
                _ = try? SharedMemoryDirectory.reclaimAbandoned()
                opened = try SharedMemoryDirectory.create(name: requested, size: size)
            } else {
                _ = try? SharedMemoryDirectory.reclaimAbandoned()
                opened = try Self.createUnderNewName(size: size)
            }
        } else {
            guard let name else {
                throw MultiprocessingError(.invalidArgument, "a name is needed to attach to shared memory; it can "
                    + "only be nil when creating")
            }
            opened = try SharedMemoryDirectory.attach(name: SharedMemoryDirectory.validated(name))
        }
        mapping = opened.mapping
        named = Named(name: opened.name, identity: opened.identity, marked: opened.marked, holds: true,
                      openedBy: getpid())
    }

    /// Creates a block under a generated name, and again under another when that one is taken (as Python does).
    private static func createUnderNewName(size: Int) throws(MultiprocessingError) -> SharedMemoryDirectory.Opened {
        var attempt = 0
        while true {
            do {
                return try SharedMemoryDirectory.create(name: SharedMemoryDirectory.generatedName(), size: size)
            } catch where error.code == .alreadyExists && attempt < 100 {
                attempt += 1
            }
        }
    }

    /// The block's name, without a leading `/` (Python's `name`); `nil` for a block made with ``init(size:)``.
    public var name: String? { named?.name }

    /// The size in bytes.
    public var size: Int { mapping.size }

    /// `SharedMemory(name: "results", size: 4096)`, or `SharedMemory(size: 4096)` without a name.
    public var description: String {
        guard let name = named?.name else { return "SharedMemory(size: \(size))" }
        return "SharedMemory(name: \(name.debugDescription), size: \(size))"
    }

    /// The byte at `offset`, which must be in `0..<size`: as with `Array`'s subscript, an offset out of range
    /// stops the program. ``bytes(in:)`` checks its range and throws instead. Using a closed block stops it too.
    public subscript(offset: Int) -> UInt8 {
        get {
            precondition(offset >= 0 && offset < size, "SharedMemory offset out of range")
            precondition(!mapping.isClosed, "SharedMemory used after close()")
            return mapping.base.load(fromByteOffset: offset, as: UInt8.self)
        }
        set {
            precondition(offset >= 0 && offset < size, "SharedMemory offset out of range")
            precondition(!mapping.isClosed, "SharedMemory used after close()")
            mapping.base.storeBytes(of: newValue, toByteOffset: offset, as: UInt8.self)
        }
    }

    /// Runs `body` with the bytes (Python's `buf`). The buffer is valid only inside `body`; other processes may
    /// change the bytes at any time: guard them with a ``Lock`` if they do. Using a closed block stops the program.
    public func withUnsafeMutableBytes<Result>(_ body: (UnsafeMutableRawBufferPointer) throws -> Result)
        rethrows -> Result {
        precondition(!mapping.isClosed, "SharedMemory used after close()")
        return try body(UnsafeMutableRawBufferPointer(start: mapping.base, count: mapping.size))
    }

    /// A copy of the bytes in `range`.
    ///
    /// - Throws: ``MultiprocessingError/Code/invalidArgument`` when `range` is not within `0..<size`,
    ///   ``MultiprocessingError/Code/closed`` after ``close()``.
    public func bytes(in range: Range<Int>) throws(MultiprocessingError) -> [UInt8] {
        guard range.lowerBound >= 0 && range.upperBound <= size else {
            throw MultiprocessingError(.invalidArgument, "the range \(range) is not within the \(size) bytes of the "
                + "shared memory")
        }
        guard !mapping.isClosed else { throw MultiprocessingError(.closed, "the shared memory is closed") }
        return [UInt8](UnsafeRawBufferPointer(start: mapping.base + range.lowerBound, count: range.count))
    }

    /// Ends this object's access to the memory, as Python's `close()`; `deinit` does the same. A second call does
    /// nothing.
    ///
    /// For a named block that this library created, when no other process has it open any more, this also removes
    /// its name: no one can attach to it afterwards, and a later ``unlink()`` on this object does nothing. The
    /// memory itself goes when the last process that maps it closes it. Using the bytes after `close()` stops the
    /// program (the pages are no longer mapped).
    public func close() {
        removal.withLock { removal in
            guard !mapping.isClosed else { return }
            if !removal.unlinked { removal.closedLast = removeIfLastHolder() }
            mapping.close()
        }
    }

    /// Removes the block's name, as Python's `unlink()` (`shm_unlink`): processes that have it open keep using it,
    /// no process can attach to it any more, and the memory goes when the last of them closes it. Call it once, in
    /// one process; it may be called after ``close()``.
    ///
    /// - Throws: ``MultiprocessingError/Code/notFound`` when the name no longer leads to this block (it was
    ///   unlinked already, Python's `FileNotFoundError`, or its holders all closed it);
    ///   ``MultiprocessingError/Code/invalidState`` for a block without a name.
    public func unlink() throws(MultiprocessingError) {
        guard let named else {
            throw MultiprocessingError(.invalidState, "shared memory made with init(size:) has no name to unlink")
        }
        try removal.withLock { (removal: inout Removal) throws(MultiprocessingError) in
            // This object's close() removed it as the last holder: that was the unlink.
            if removal.closedLast && !removal.unlinked {
                removal.unlinked = true
                return
            }
            guard !removal.unlinked, SharedMemoryDirectory.identity(ofName: named.name) == named.identity,
                  Glibc.unlink(SharedMemoryDirectory.path + "/" + named.name) == 0
            else {
                throw MultiprocessingError(.notFound, "no shared memory named \(named.name) is left to unlink")
            }
            removal.unlinked = true
        }
    }

    /// Removes the names of blocks that this library created, for this user, and that no process holds any more:
    /// every process that had one open died without closing it (killed by `SIGKILL`, say). Returns the names
    /// removed. Creating a named block does this first, so a program that creates blocks needs no call of its own;
    /// a program that only attaches, or a test that wants `/dev/shm` clean, calls it.
    ///
    /// Blocks that Python or another program made are never removed, nor blocks that a live process holds.
    ///
    /// - Throws: ``MultiprocessingError/Code/systemCallFailed`` when `/dev/shm` cannot be read.
    @discardableResult
    public static func reclaimAbandoned() throws(MultiprocessingError) -> [String] {
        try SharedMemoryDirectory.reclaimAbandoned()
    }

    deinit {
        if !mapping.isClosed && !removal.withLock({ $0.unlinked }) { _ = removeIfLastHolder() }
    }

    /// Removes the name when this is the last holder of a block this library created (see ``close()``).
    private func removeIfLastHolder() -> Bool {
        guard let named, named.holds, named.marked, named.openedBy == getpid() else { return false }
        return SharedMemoryDirectory.removeIfLastHolder(name: named.name, identity: named.identity,
                                                        descriptor: mapping.descriptor)
    }

    /// Passes the memory to another process: in a ``Process``'s arguments, a ``Connection``'s message, a ``Queue``'s
    /// item or a ``Pool``'s task or initializer. A named block travels with its name, and the receiver opens it
    /// again by name so that it holds the block in its own right.
    public func encode(to encoder: any Encoder) throws {
        guard !mapping.isClosed else { throw MultiprocessingError(.closed, "the shared memory is closed") }
        var container = encoder.unkeyedContainer()
        try container.encode(mapping.encodeDescriptor(encoder, "SharedMemory"))
        try container.encode(named?.name ?? "")
    }

    /// Maps memory passed by the parent.
    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        let passed = try SharedMemoryMapping.decode(
            decoder, index: container.decode(Int.self), minimumSize: 1, what: "SharedMemory")
        let name = try container.decode(String.self)
        guard !name.isEmpty else {
            mapping = passed
            named = nil
            return
        }
        guard let identity = SharedMemoryDirectory.identity(of: passed.descriptor) else {
            throw MultiprocessingError(.codingFailed, "the descriptor passed for a SharedMemory is not one")
        }
        // The passed descriptor is the parent's open file description, and its lock the parent's: hold the block
        // with one of this process's own when the name still leads to it.
        if let opened = try? SharedMemoryDirectory.attach(name: name), opened.identity == identity {
            mapping = opened.mapping
            named = Named(name: name, identity: identity, marked: opened.marked, holds: true, openedBy: getpid())
        } else {
            mapping = passed
            named = Named(name: name, identity: identity, marked: false, holds: false,
                          openedBy: getpid())
        }
    }
}
