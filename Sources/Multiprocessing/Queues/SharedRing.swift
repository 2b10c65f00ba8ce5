#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims
import SystemPackage

/// A byte ring of framed messages in shared memory: the storage behind ``Queue``, ``SimpleQueue`` and
/// ``JoinableQueue``, shared between processes through a `memfd` mapped by each of them.
///
/// Why not a pipe, as Python uses: a pipe costs a system call to put and one or two to get each item, and Python
/// gets ~240,000 items/s that way. Here an item costs a lock and a copy: the lock is a process-shared, *robust*
/// pthread mutex (a holder that dies unlocks it), waiting is a futex on a sequence word, and a waiter spins
/// briefly before it sleeps, so a busy consumer is seldom woken by a system call.
///
/// Layout: a 4 KiB header (the mutex, then the words below), then `capacity` bytes of ring. Each item is a 4-byte
/// little-endian length and the bytes, wrapping at the end of the ring.
final class SharedRing: @unchecked Sendable {
    private enum Field: Int {
        case head = 64, tail = 72                               // UInt64 positions, only under the lock
        case itemCount = 80, notEmpty = 84, notFull = 88        // UInt32; the sequences are futex words
        case waitingConsumers = 92, waitingProducers = 96
        case unfinished = 100, capacity = 104, maximumItems = 108
    }

    private static let headerSize = 4096
    /// The memfd and its mapping (shared with the locks and ``SharedMemory``: no name, nothing to leak).
    private let mapping: SharedMemoryMapping
    /// At the start of the header; a holder that died is no error here (see ``RobustMutex/lockRecovering()``).
    private let mutex: RobustMutex
    private var base: UnsafeMutableRawPointer { mapping.base }
    let capacity: Int

    var descriptor: FileDescriptor { mapping.descriptor }

    /// A new ring of `capacity` bytes that holds at most `maximumItems` items (0: no limit).
    init(capacity: Int, maximumItems: Int) throws(MultiprocessingError) {
        guard capacity > 8 && capacity <= Int(UInt32.max) else {
            throw MultiprocessingError(.invalidArgument, "a queue's capacity must be in 9...\(UInt32.max) bytes, not "
                + "\(capacity)")
        }
        mapping = try SharedMemoryMapping(size: Self.headerSize + capacity, name: "multiprocessing-queue")
        mutex = RobustMutex.initialize(at: mapping.base, recursive: false)
        self.capacity = capacity
        word(.capacity).pointee = UInt32(capacity)
        word(.maximumItems).pointee = UInt32(clamping: maximumItems)
    }

    /// Maps a ring another process made, received as `descriptor` (which this ring then owns).
    init(receiving descriptor: FileDescriptor) throws(MultiprocessingError) {
        mapping = try SharedMemoryMapping(receiving: descriptor, minimumSize: Self.headerSize + 1, what: "queue")
        mutex = RobustMutex(address: mapping.base)
        capacity = mapping.size - Self.headerSize
    }

    private func word(_ field: Field) -> UnsafeMutablePointer<UInt32> {
        (base + field.rawValue).assumingMemoryBound(to: UInt32.self)
    }

    private func position(_ field: Field) -> UnsafeMutablePointer<UInt64> {
        (base + field.rawValue).assumingMemoryBound(to: UInt64.self)
    }

    private var ring: RingStorage { RingStorage(base: base + Self.headerSize, capacity: capacity) }

    // MARK: Locking and waiting

    private func lock() { mutex.lockRecovering() }

    private func unlock() { mutex.unlock() }

    /// With the lock held: releases it, spins briefly, then sleeps on `sequence` (which was `observed`) until it
    /// changes or the deadline passes, and takes the lock again. Returns false when the deadline has passed.
    private func waitUnlocked(on sequence: Field, observed: UInt32, waiting counter: Field,
                              deadline: ContinuousClock.Instant?, ready: () -> Bool) -> Bool {
        unlock()
        defer { lock() }
        // Spin first without counting as a waiter, so that a busy peer need not wake us with a system call.
        for _ in 0..<2000 {
            if lx_atomic_load_u32(word(sequence)) != observed || ready() { return true }
        }
        var timeout: Int64 = -1
        if let deadline {
            let remaining = ContinuousClock().now.duration(to: deadline)
            if remaining <= .zero { return false }
            timeout = remaining.saturatingNanoseconds
        }
        // Counted from here: a peer that changes the sequence after this sees the count and wakes us; one that
        // changed it before makes the futex wait return at once.
        _ = lx_atomic_add_u32(word(counter), 1)
        _ = lx_futex_wait(word(sequence), observed, timeout)
        _ = lx_atomic_sub_u32(word(counter), 1)
        return true
    }

    private func signal(_ sequence: Field, waiting counter: Field, all: Bool) {
        _ = lx_atomic_add_u32(word(sequence), 1)
        if lx_atomic_load_u32(word(counter)) > 0 {
            _ = lx_futex_wake(word(sequence), all ? Int32.max : 1)
        }
    }

    // MARK: Items

    /// The number of items in the ring.
    var count: Int { Int(lx_atomic_load_u32(word(.itemCount))) }

    /// Whether the ring holds as many items as it may.
    var isFull: Bool {
        let maximum = word(.maximumItems).pointee
        return maximum > 0 && lx_atomic_load_u32(word(.itemCount)) >= maximum
    }

    /// Appends one item. `countsTask` also raises the unfinished-task count (``JoinableQueue``).
    func put(_ bytes: UnsafeRawBufferPointer, block: Bool, timeout: Duration?, countsTask: Bool)
        throws(MultiprocessingError) {
        let needed = 4 + bytes.count
        guard needed <= capacity else {
            throw MultiprocessingError(.messageTooLarge,
                                       "an item of \(bytes.count) bytes does not fit in a queue of \(capacity) bytes")
        }
        let deadline = timeout.map { ContinuousClock().now.advanced(by: $0) }
        let maximum = word(.maximumItems).pointee
        lock()
        while true {
            let used = Int(position(.tail).pointee - position(.head).pointee)
            let items = word(.itemCount).pointee
            if capacity - used >= needed && (maximum == 0 || items < maximum) { break }
            guard block else {
                unlock()
                throw MultiprocessingError(.full, "the queue is full")
            }
            let observed = lx_atomic_load_u32(word(.notFull))
            let stillWaiting = waitUnlocked(on: .notFull, observed: observed, waiting: .waitingProducers,
                                            deadline: deadline) { false }
            if !stillWaiting {
                unlock()
                throw MultiprocessingError(.full, "the queue stayed full for \(timeout!)")
            }
        }
        var length = UInt32(bytes.count).littleEndian
        let tail = position(.tail).pointee
        withUnsafeBytes(of: &length) { ring.copyIn($0, at: tail) }
        ring.copyIn(bytes, at: tail + 4)
        position(.tail).pointee = tail + UInt64(needed)
        _ = lx_atomic_add_u32(word(.itemCount), 1)
        if countsTask { _ = lx_atomic_add_u32(word(.unfinished), 1) }
        signal(.notEmpty, waiting: .waitingConsumers, all: false)
        unlock()
    }

    /// Removes the oldest item and passes its bytes to `body` (outside the lock).
    func get<T>(block: Bool, timeout: Duration?, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        let deadline = timeout.map { ContinuousClock().now.advanced(by: $0) }
        lock()
        while word(.itemCount).pointee == 0 {
            guard block else {
                unlock()
                throw MultiprocessingError(.empty, "the queue is empty")
            }
            let observed = lx_atomic_load_u32(word(.notEmpty))
            let itemCount = word(.itemCount)
            let stillWaiting = waitUnlocked(on: .notEmpty, observed: observed, waiting: .waitingConsumers,
                                            deadline: deadline) { lx_atomic_load_u32(itemCount) > 0 }
            if !stillWaiting {
                unlock()
                throw MultiprocessingError(.empty, "the queue stayed empty for \(timeout!)")
            }
        }
        let head = position(.head).pointee
        var length: UInt32 = 0
        withUnsafeMutableBytes(of: &length) { ring.copyOut($0, at: head) }
        let count = Int(UInt32(littleEndian: length))
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 8)
        defer { bytes.deallocate() }
        ring.copyOut(UnsafeMutableRawBufferPointer(rebasing: bytes[0..<count]), at: head + 4)
        position(.head).pointee = head + 4 + UInt64(count)
        _ = lx_atomic_sub_u32(word(.itemCount), 1)
        signal(.notFull, waiting: .waitingProducers, all: false)
        unlock()
        return try body(UnsafeRawBufferPointer(rebasing: bytes[0..<count]))
    }

    // MARK: Tasks

    /// Lowers the unfinished-task count; false if it was already zero.
    func taskDone() -> Bool {
        lock()
        defer { unlock() }
        guard word(.unfinished).pointee > 0 else { return false }
        if lx_atomic_sub_u32(word(.unfinished), 1) == 0 {
            _ = lx_futex_wake(word(.unfinished), Int32.max)
        }
        return true
    }

    /// Waits until the unfinished-task count is zero.
    func joinTasks(timeout: Duration?) -> Bool {
        let deadline = timeout.map { ContinuousClock().now.advanced(by: $0) }
        while true {
            let unfinished = lx_atomic_load_u32(word(.unfinished))
            if unfinished == 0 { return true }
            var nanoseconds: Int64 = 100_000_000  // Re-check now and then, whatever the futex says.
            if let deadline {
                let remaining = ContinuousClock().now.duration(to: deadline)
                if remaining <= .zero { return false }
                nanoseconds = min(nanoseconds, remaining.saturatingNanoseconds)
            }
            _ = lx_futex_wait(word(.unfinished), unfinished, nanoseconds)
        }
    }
}
