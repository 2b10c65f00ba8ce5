/// A lock shared between processes, as Python's `multiprocessing.Lock`.
///
/// ```swift
/// let lock = try Lock()
/// let child = Process(target: work, arguments: lock)     // the child calls lock.withLock { … }
/// try child.start()
/// try lock.withLock { print("only one process at a time") }
/// ```
///
/// The lock is a process-shared, robust pthread mutex in shared memory with no name (see ``SharedMemory``): it is
/// passed to children as a descriptor among a ``Process``'s arguments, and freed with the last process that holds
/// it. Unlike Python's `multiprocessing.Lock`, a lock is released only by the thread that holds it.
///
/// A process that dies holding the lock does not freeze the others: the next ``acquire(block:timeout:)`` throws
/// ``MultiprocessingError/Code/ownerDied`` (the lock is free again; check what it guarded and acquire again).
/// Python waits for ever there.
///
/// Release the lock before the last reference to it goes: glibc keeps a held robust mutex in the thread's list,
/// and the memory it lives in is unmapped with the last reference. ``withLock(_:)`` cannot get this wrong.
public final class Lock: Codable, Sendable {
    let mapping: SharedMemoryMapping
    let mutex: RobustMutex

    /// A new, unlocked lock.
    ///
    /// - Throws: ``MultiprocessingError/Code/systemCallFailed`` when the shared memory cannot be made.
    public init() throws(MultiprocessingError) {
        mapping = try SharedMemoryMapping(size: RobustMutex.reservedSize, name: "multiprocessing-Lock")
        mutex = RobustMutex.initialize(at: mapping.base, recursive: false)
    }

    /// Acquires the lock, waiting for it (`block`, up to `timeout`; `nil`: no limit) or not.
    ///
    /// - Returns: whether this thread now holds the lock (false: it stayed taken).
    /// - Throws: ``MultiprocessingError/Code/ownerDied`` when the holder died holding it (the lock is free again
    ///   and not held by the caller); ``MultiprocessingError/Code/invalidState`` when this thread already holds
    ///   a non-recursive lock.
    @discardableResult
    public func acquire(block: Bool = true, timeout: Duration? = nil) throws(MultiprocessingError) -> Bool {
        try mutex.acquire(block: block, timeout: timeout, what: "Lock")
    }

    /// Releases the lock.
    ///
    /// - Throws: ``MultiprocessingError/Code/invalidState`` when this thread does not hold it.
    public func release() throws(MultiprocessingError) {
        guard mutex.unlock() else {
            throw MultiprocessingError(.invalidState, "cannot release a Lock this thread does not hold")
        }
    }

    /// Runs `body` holding the lock (Python's `with lock:`), waiting for it as long as it takes.
    ///
    /// - Throws: what `body` throws, and what ``acquire(block:timeout:)`` throws.
    public func withLock<Result>(_ body: () throws -> Result) throws -> Result {
        _ = try mutex.acquire(block: true, timeout: nil, what: "Lock")
        defer { mutex.unlock() }
        return try body()
    }

    /// Passes the lock to another process: in a ``Process``'s arguments, a ``Connection``'s message, a ``Queue``'s
    /// item or a ``Pool``'s task or initializer.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(mapping.encodeDescriptor(encoder, "Lock"))
    }

    /// Maps a lock passed by the parent.
    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        mapping = try SharedMemoryMapping.decode(
            decoder, index: container.decode(Int.self), minimumSize: RobustMutex.reservedSize,
            what: "Lock")
        mutex = RobustMutex(address: mapping.base)
    }
}

