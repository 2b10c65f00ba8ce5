/// A semaphore that cannot be released above its initial value, as Python's `multiprocessing.BoundedSemaphore`.
///
/// ```swift
/// let slots = try BoundedSemaphore(2)                              // at most two processes at a time
/// let child = Process(target: work, arguments: slots)    // the child calls slots.withLock { … }
/// ```
///
/// As in Python it is a ``Semaphore``: code that takes one takes this too. The bound lives in the shared word, so a
/// child that decodes it as a plain ``Semaphore`` keeps it.
public final class BoundedSemaphore: Semaphore, @unchecked Sendable {
    /// A semaphore with `value` permits (0...Int32.max), which ``Semaphore/release()`` never raises above `value`.
    ///
    /// - Throws: ``MultiprocessingError/Code/invalidArgument`` for a `value` out of that range (Python's
    ///   `ValueError`), ``MultiprocessingError/Code/systemCallFailed`` when the shared memory cannot be made.
    public init(_ value: Int = 1) throws(MultiprocessingError) {
        super.init(word: try SemaphoreWord(value: value, maximum: value, name: "multiprocessing-BoundedSemaphore"))
    }

    /// Maps a semaphore passed by the parent.
    public required init(from decoder: any Decoder) throws {
        try super.init(from: decoder)
    }
}
