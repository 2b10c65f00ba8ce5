import CLinuxShims

/// A meeting point for a fixed number of processes, as Python's `multiprocessing.Barrier`: each ``wait(timeout:)``
/// returns once `parties` processes have called it.
///
/// ```swift
/// let barrier = try Barrier(parties: 3)
/// // in each of three processes:
/// let index = try barrier.wait(timeout: .seconds(5))   // 0, 1 or 2: a different one in each
/// ```
///
/// As in Python, a barrier may have an `action`, run by one of the parties when the last one arrives and before
/// any is released, and a default `timeout` for ``wait(timeout:)``. Python pickles the action with the barrier, so
/// it must be a module-level function; here it is a registered ``ProcessFunction`` that takes and returns nothing,
/// found by name in whichever process runs it.
///
/// Layout, in shared memory with no name: a robust mutex, then the count of arrived parties, a generation word
/// (the futex the parties sleep on; the last to arrive advances it and wakes them), the broken word (whether the
/// barrier is broken now), the number of parties, and the last broken generation (plus one, so that a party that
/// wakes late still learns that its generation broke, even after a ``reset()``). A party that times out breaks the
/// barrier for every party (Python's `BrokenBarrierError`); a process that dies inside ``wait(timeout:)`` cannot
/// hold the mutex across it, so it freezes nobody who has a timeout.
public final class Barrier: Codable, Sendable {
    let mapping: SharedMemoryMapping
    private let mutex: RobustMutex
    private static let size = RobustMutex.reservedSize + 20
    private var arrived: UnsafeMutablePointer<UInt32> { mapping.word(at: RobustMutex.reservedSize) }
    private var generation: UnsafeMutablePointer<UInt32> { mapping.word(at: RobustMutex.reservedSize + 4) }
    private var broken: UnsafeMutablePointer<UInt32> { mapping.word(at: RobustMutex.reservedSize + 8) }
    private var partiesWord: UnsafeMutablePointer<UInt32> { mapping.word(at: RobustMutex.reservedSize + 12) }
    private var brokenGeneration: UnsafeMutablePointer<UInt32> { mapping.word(at: RobustMutex.reservedSize + 16) }
    /// The registered function the last arriving party runs before the others are released, if any.
    public let actionName: String?
    /// How long ``wait(timeout:)`` waits when given no timeout; `nil`: no limit.
    public let timeout: Duration?

    /// A barrier for `parties` processes (at least 1), as Python's `Barrier(parties, action, timeout)`.
    ///
    /// - Parameters:
    ///   - parties: How many processes must call ``wait(timeout:)``: 1...Int32.max.
    ///   - action: Run by the last party to arrive, before any party is released; registered with
    ///     `bootstrap(_:)` like a process's target, since any of the processes may run it. If it throws, the
    ///     barrier breaks and that party's ``wait(timeout:)`` throws the error.
    ///   - timeout: The default of ``wait(timeout:)``.
    /// - Throws: ``MultiprocessingError/Code/invalidArgument`` when `parties` is not in 1...Int32.max (Python's
    ///   `ValueError`), ``MultiprocessingError/Code/systemCallFailed`` when the shared memory cannot be made.
    public init(parties: Int, action: ProcessFunction<Empty, Empty>? = nil, timeout: Duration? = nil)
        throws(MultiprocessingError) {
        guard parties >= 1 && parties <= Int(Int32.max) else {
            throw MultiprocessingError(.invalidArgument, "a barrier needs 1...\(Int32.max) parties, not \(parties)")
        }
        actionName = action?.name
        self.timeout = timeout
        mapping = try SharedMemoryMapping(size: Self.size, name: "multiprocessing-Barrier")
        mutex = RobustMutex.initialize(at: mapping.base, recursive: false)
        lx_atomic_store_u32(mapping.word(at: RobustMutex.reservedSize + 12), UInt32(parties))
    }

    /// The number of processes that must call ``wait(timeout:)``.
    public var parties: Int { Int(lx_atomic_load_u32(partiesWord)) }

    /// The number of processes waiting right now.
    public var waiting: Int { Int(lx_atomic_load_u32(arrived)) }

    /// Whether the barrier is broken.
    public var isBroken: Bool { lx_atomic_load_u32(broken) != 0 }

    /// Waits until `parties` processes have called this (up to `timeout`; `nil`: the barrier's ``timeout``, and
    /// with none, no limit).
    ///
    /// - Returns: a different index in `0..<parties` for each of the parties that passed together.
    /// - Throws: ``MultiprocessingError/Code/brokenBarrier`` when the barrier is or becomes broken: this party or
    ///   another timed out, ``abort()`` or ``reset()`` was called, or the action threw (this party gets the action's
    ///   error, with its description in ``MultiprocessingError/remoteDescription``).
    @discardableResult
    public func wait(timeout: Duration? = nil) throws(MultiprocessingError) -> Int {
        let deadline = Deadline(timeout ?? self.timeout)
        mutex.lockRecovering()
        if lx_atomic_load_u32(broken) != 0 {
            mutex.unlock()
            throw MultiprocessingError(.brokenBarrier, "the barrier is broken")
        }
        let observed = lx_atomic_load_u32(generation)
        let index = Int(lx_atomic_add_u32(arrived, 1)) - 1
        if index + 1 == parties {
            if let failure = runAction() {
                breakLocked()
                mutex.unlock()
                throw failure
            }
            lx_atomic_store_u32(arrived, 0)
            _ = lx_atomic_add_u32(generation, 1)
            _ = lx_futex_wake(generation, Int32.max)
            mutex.unlock()
            return index
        }
        mutex.unlock()
        while true {
            if lx_atomic_load_u32(generation) != observed {
                if lx_atomic_load_u32(brokenGeneration) == Self.marker(observed) {
                    throw MultiprocessingError(
                        .brokenBarrier, "the barrier was broken while waiting (a timeout, abort() or reset())")
                }
                return index
            }
            if deadline.hasPassed {
                // Break it for everyone, unless the last party arrived meanwhile; the loop then says which.
                mutex.lockRecovering()
                if lx_atomic_load_u32(generation) == observed { breakLocked() }
                mutex.unlock()
                continue
            }
            _ = lx_futex_wait(generation, observed, deadline.remainingNanoseconds)
        }
    }

    /// Runs the action, if any; returns why it failed.
    private func runAction() -> MultiprocessingError? {
        guard let actionName else { return nil }
        guard let function = FunctionRegistry.lookUp(actionName) else {
            return MultiprocessingError(
                .functionNotRegistered, "the barrier's action '\(actionName)' is not registered in this executable")
        }
        do {
            _ = try function.invoke(try BinaryEncoder().encode(Empty()), DescriptorTransfer())
            return nil
        } catch let error as MultiprocessingError {
            return MultiprocessingError(.brokenBarrier, "the barrier's action failed", remoteDescription: "\(error)")
        } catch {
            return MultiprocessingError(.brokenBarrier, "the barrier's action failed", remoteDescription: "\(error)")
        }
    }

    /// Breaks the barrier: every waiting and later ``wait(timeout:)`` throws
    /// ``MultiprocessingError/Code/brokenBarrier`` until ``reset()``.
    public func abort() {
        mutex.lockRecovering()
        breakLocked()
        mutex.unlock()
    }

    /// Returns the barrier to its empty state, as Python's `reset()`: the parties waiting now get
    /// ``MultiprocessingError/Code/brokenBarrier`` at once, and a broken barrier is usable again.
    public func reset() {
        mutex.lockRecovering()
        if lx_atomic_load_u32(arrived) != 0 { breakLocked() }
        lx_atomic_store_u32(arrived, 0)
        lx_atomic_store_u32(broken, 0)
        mutex.unlock()
    }

    /// With the mutex held: marks the barrier and its current generation broken, ends the generation and wakes
    /// its waiters, who see that their generation broke (and a party of an earlier generation that wakes late
    /// sees that it passed).
    private func breakLocked() {
        let current = lx_atomic_load_u32(generation)
        lx_atomic_store_u32(broken, 1)
        lx_atomic_store_u32(brokenGeneration, Self.marker(current))
        lx_atomic_store_u32(arrived, 0)
        _ = lx_atomic_add_u32(generation, 1)
        _ = lx_futex_wake(generation, Int32.max)
    }

    /// What the last-broken-generation word holds when `generation` broke: never 0, the word's initial value.
    private static func marker(_ generation: UInt32) -> UInt32 {
        generation &+ 1 == 0 ? 1 : generation &+ 1
    }

    /// Passes the barrier to another process: in a ``Process``'s arguments, a ``Connection``'s message, a ``Queue``'s
    /// item or a ``Pool``'s task or initializer.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(mapping.encodeDescriptor(encoder, "Barrier"))
        try container.encode(actionName ?? "")
        let (seconds, attoseconds) = timeout?.components ?? (0, 0)
        try container.encode(timeout == nil ? -1 : seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Maps a barrier passed by the parent.
    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        mapping = try SharedMemoryMapping.decode(
            decoder, index: container.decode(Int.self), minimumSize: Self.size, what: "Barrier")
        mutex = RobustMutex(address: mapping.base)
        let name = try container.decode(String.self)
        actionName = name.isEmpty ? nil : name
        let nanoseconds = try container.decode(Int64.self)
        timeout = nanoseconds < 0 ? nil : .nanoseconds(nanoseconds)
    }
}
