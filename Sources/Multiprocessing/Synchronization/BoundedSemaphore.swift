/// A semaphore that cannot be released above its initial value, as Python's `multiprocessing.BoundedSemaphore`.
///
/// ```swift
/// let slots = try BoundedSemaphore(2)                              // at most two processes at a time
/// let child = Process(target: work, arguments: slots)    // the child calls slots.withLock { … }
/// ```
///
/// A futex word in shared memory with no name, passed to children among a ``Process``'s arguments. An
/// uncontended acquire or release is one atomic instruction; only a process that must wait makes a system call.
public final class BoundedSemaphore: Codable, Sendable {
    let word: SemaphoreWord

    /// A semaphore with `value` permits (0...Int32.max).
    ///
    /// - Throws: ``MultiprocessingError/Code/invalidArgument`` for a `value` out of that range (Python's
    ///   `ValueError`), ``MultiprocessingError/Code/systemCallFailed`` when the shared memory cannot be made.
    public init(_ value: Int = 1) throws(MultiprocessingError) {
        word = try SemaphoreWord(value: value, maximum: value, name: "multiprocessing-BoundedSemaphore")
    }

    /// Takes a permit, waiting for one (`block`, up to `timeout`; `nil`: no limit) or not. A negative timeout
    /// waits not at all, as Python's.
    ///
    /// - Returns: whether a permit was taken.
    @discardableResult
    public func acquire(block: Bool = true, timeout: Duration? = nil) -> Bool {
        word.acquire(block: block, timeout: timeout)
    }

    /// Gives a permit back (any process may). 
    ///
    /// - Throws: ``MultiprocessingError/Code/invalidState`` when that would exceed the initial value.
    public func release() throws(MultiprocessingError) {
        guard word.release() else {
            throw MultiprocessingError(.invalidState, "released a BoundedSemaphore more times than it was acquired")
        }
    }

    /// Runs `body` holding a permit (Python's `with semaphore:`).
    public func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        _ = word.acquire(block: true, timeout: nil)
        defer { _ = word.release() }
        return try body()
    }

    /// The number of free permits right now (Python's `get_value()`).
    public var value: Int { word.currentValue }

    /// Passes the semaphore to another process: in a ``Process``'s arguments, a ``Connection``'s message, a ``Queue``'s
    /// item or a ``Pool``'s task or initializer.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(word.mapping.encodeDescriptor(encoder, "BoundedSemaphore"))
    }

    /// Maps a semaphore passed by the parent.
    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        word = SemaphoreWord(mapping: try SharedMemoryMapping.decode(
            decoder, index: container.decode(Int.self), minimumSize: SemaphoreWord.size,
            what: "BoundedSemaphore"))
    }
}

