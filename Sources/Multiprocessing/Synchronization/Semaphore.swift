/// A counting semaphore shared between processes, as Python's `multiprocessing.Semaphore`.
///
/// ```swift
/// let slots = try Semaphore(2)                              // at most two processes at a time
/// let child = Process(target: work, arguments: slots)    // the child calls slots.withLock { … }
/// ```
///
/// A futex word in shared memory with no name, passed to children among a ``Process``'s arguments. An
/// uncontended acquire or release is one atomic instruction; only a process that must wait makes a system call.
/// ``BoundedSemaphore`` is the one subclass, as in Python.
///
/// Glibc also names a type `Semaphore` (`sem_t *`): where Glibc is imported, write `Multiprocessing.Semaphore`.
// Not final, so that a BoundedSemaphore is a Semaphore; `@unchecked` because a class that is not final cannot be
// checked: its one stored property is a `let` of a Sendable type, and the subclass adds none.
public class Semaphore: Codable, @unchecked Sendable {
    let word: SemaphoreWord

    /// A semaphore with `value` permits (0...Int32.max).
    ///
    /// - Throws: ``MultiprocessingError/Code/invalidArgument`` for a `value` out of that range (Python's
    ///   `ValueError`), ``MultiprocessingError/Code/systemCallFailed`` when the shared memory cannot be made.
    public convenience init(_ value: Int = 1) throws(MultiprocessingError) {
        self.init(word: try SemaphoreWord(value: value, maximum: nil, name: "multiprocessing-Semaphore"))
    }

    init(word: SemaphoreWord) {
        self.word = word
    }

    /// Takes a permit, waiting for one (`block`, up to `timeout`; `nil`: no limit) or not. A negative timeout
    /// waits not at all, as Python's.
    ///
    /// - Returns: whether a permit was taken.
    @discardableResult
    public final func acquire(block: Bool = true, timeout: Duration? = nil) -> Bool {
        word.acquire(block: block, timeout: timeout)
    }

    /// Gives a permit back (any process may).
    ///
    /// - Throws: ``MultiprocessingError/Code/invalidState`` when that would raise a ``BoundedSemaphore`` above its
    ///   initial value. A plain `Semaphore` has no maximum and never throws.
    public final func release() throws(MultiprocessingError) {
        guard word.release() else {
            throw MultiprocessingError(.invalidState, "released a BoundedSemaphore more times than it was acquired: "
                + "its value is back at its bound, \(word.maximumValue ?? 0)")
        }
    }

    /// Runs `body` holding a permit (Python's `with semaphore:`).
    public final func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        _ = word.acquire(block: true, timeout: nil)
        defer { _ = word.release() }
        return try body()
    }

    /// The number of free permits right now (Python's `get_value()`).
    public final var value: Int { word.currentValue }

    /// Passes the semaphore to another process: in a ``Process``'s arguments, a ``Connection``'s message, a ``Queue``'s
    /// item or a ``Pool``'s task or initializer.
    public final func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(word.mapping.encodeDescriptor(encoder, "\(type(of: self))"))
    }

    /// Maps a semaphore passed by the parent.
    public required init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        word = SemaphoreWord(mapping: try SharedMemoryMapping.decode(
            decoder, index: container.decode(Int.self), minimumSize: SemaphoreWord.size,
            what: "\(Self.self)"))
    }
}
