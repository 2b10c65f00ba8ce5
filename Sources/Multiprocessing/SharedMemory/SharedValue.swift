/// One typed value in shared memory, as Python's `multiprocessing.Value` (`lock: true`, the default) and
/// `multiprocessing.RawValue` (`lock: false`).
///
/// ```swift
/// let total = try SharedValue<Double>(0.0)              // Python: Value('d', 0.0)
/// let child = Process(target: work, arguments: total)   // the child sets total.value = 3.5
/// try child.start(); try child.join()
/// print(total.value)                                    // 3.5
/// try total.withLock { $0 += 1 }                        // a read-modify-write under the lock
/// ```
///
/// Layout, in shared memory with no name (a `memfd`; see ``SharedMemory``): a robust, recursive, process-shared
/// mutex (the ``lock``, 64 bytes, also present without a lock), then the value. Passed to children among a
/// ``Process``'s arguments.
///
/// As in Python, ``value`` takes the lock for each read and each write, so `value += 1` is *not* atomic: use
/// ``withLock(_:)``. A read or write of ``value`` carries on past a process that died holding the lock (one
/// aligned load or store cannot be half done); ``withLock(_:)`` reports it as
/// ``MultiprocessingError/Code/ownerDied``.
public final class SharedValue<T: SharedScalar>: Codable, Sendable {
    let mapping: SharedMemoryMapping
    /// The lock that guards the value (Python's `get_lock()`), recursive as Python's, so
    /// `.value` works inside `lock.withLock {}`; `nil` for a raw value (`lock: false`).
    public let lock: RLock?
    private static var offset: Int { RobustMutex.reservedSize }
    private var pointer: UnsafeMutablePointer<T> { (mapping.base + Self.offset).assumingMemoryBound(to: T.self) }

    /// A value in new shared memory, starting as `initial`, with a lock or not (Python's `RawValue`).
    ///
    /// - Throws: ``MultiprocessingError/Code/systemCallFailed`` when the shared memory cannot be made.
    public init(_ initial: T, lock: Bool = true) throws(MultiprocessingError) {
        precondition(MemoryLayout<T>.alignment <= 16, "a shared value must be aligned to at most 16 bytes")
        mapping = try SharedMemoryMapping(size: Self.offset + MemoryLayout<T>.stride, name: "multiprocessing-Value")
        (mapping.base + Self.offset).initializeMemory(as: T.self, repeating: initial, count: 1)
        if lock {
            _ = RobustMutex.initialize(at: mapping.base, recursive: true)
            self.lock = RLock(sharing: mapping)
        } else {
            self.lock = nil
        }
    }

    /// The value: read and written under the lock, if there is one.
    public var value: T {
        get {
            lock?.mutex.lockRecovering()
            defer { lock?.mutex.unlock() }
            return pointer.pointee
        }
        set {
            lock?.mutex.lockRecovering()
            defer { lock?.mutex.unlock() }
            pointer.pointee = newValue
        }
    }

    /// Runs `body` on the value holding the lock (without one for a raw value).
    ///
    /// - Throws: what `body` throws; ``MultiprocessingError/Code/ownerDied`` when a process died holding the lock
    ///   (`body` did not run).
    public func withLock<Result>(_ body: (inout T) throws -> Result) throws -> Result {
        if let lock { _ = try lock.mutex.acquire(block: true, timeout: nil, what: "SharedValue's lock") }
        defer { lock?.mutex.unlock() }
        return try body(&pointer.pointee)
    }

    /// Passes the value to another process: in a ``Process``'s arguments, a ``Connection``'s message, a ``Queue``'s
    /// item or a ``Pool``'s task or initializer.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(mapping.encodeDescriptor(encoder, "SharedValue"))
        try container.encode(lock != nil)
    }

    /// Maps a value passed by the parent.
    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        mapping = try SharedMemoryMapping.decode(
            decoder, index: container.decode(Int.self),
            minimumSize: Self.offset + MemoryLayout<T>.stride, what: "SharedValue")
        lock = try container.decode(Bool.self) ? RLock(sharing: mapping) : nil
    }
}
