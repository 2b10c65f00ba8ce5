import CLinuxShims

/// A flag that processes can wait on, as Python's `multiprocessing.Event`.
///
/// ```swift
/// let ready = try Event()
/// let child = Process(target: work, arguments: ready)    // the child calls ready.wait()
/// try child.start()
/// ready.set()
/// ```
///
/// A futex word in shared memory with no name (0: clear, 1: set), passed to children among a ``Process``'s
/// arguments. ``wait(timeout:)`` on a set event is one atomic load.
public final class Event: Codable, Sendable {
    let mapping: SharedMemoryMapping
    private var flag: UnsafeMutablePointer<UInt32> { mapping.word(at: 0) }
    private var sleepers: UnsafeMutablePointer<UInt32> { mapping.word(at: 4) }

    /// A new, clear event.
    ///
    /// - Throws: ``MultiprocessingError/Code/systemCallFailed`` when the shared memory cannot be made.
    public init() throws(MultiprocessingError) {
        mapping = try SharedMemoryMapping(size: 8, name: "multiprocessing-Event")
    }

    /// Whether the event is set.
    public var isSet: Bool { lx_atomic_load_u32(flag) != 0 }

    /// Sets the event and wakes every process waiting for it.
    public func set() {
        lx_atomic_store_u32(flag, 1)
        if lx_atomic_load_u32(sleepers) > 0 { _ = lx_futex_wake(flag, Int32.max) }
    }

    /// Clears the event: later ``wait(timeout:)`` calls wait again.
    public func clear() {
        lx_atomic_store_u32(flag, 0)
    }

    /// Waits until the event is set, up to `timeout` (`nil`: no limit).
    ///
    /// - Returns: whether the event is set (false: the timeout passed first).
    @discardableResult
    public func wait(timeout: Duration? = nil) -> Bool {
        let deadline = Deadline(timeout)
        while lx_atomic_load_u32(flag) == 0 {
            if deadline.hasPassed { return false }
            _ = lx_atomic_add_u32(sleepers, 1)
            _ = lx_futex_wait(flag, 0, deadline.remainingNanoseconds)
            _ = lx_atomic_sub_u32(sleepers, 1)
        }
        return true
    }

    /// Passes the event to another process: in a ``Process``'s arguments, a ``Connection``'s message, a ``Queue``'s
    /// item or a ``Pool``'s task or initializer.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(mapping.encodeDescriptor(encoder, "Event"))
    }

    /// Maps an event passed by the parent.
    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        mapping = try SharedMemoryMapping.decode(
            decoder, index: container.decode(Int.self), minimumSize: 8, what: "Event")
    }
}
