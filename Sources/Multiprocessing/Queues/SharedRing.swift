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
///
/// **Items that carry descriptors** (a ``Lock``, a ``SharedValue``, a ``Connection``, another queue, …) park them
/// in the queue's own socket: every process that holds the queue holds both ends of a Unix datagram socket pair
/// made with it. Under the ring's lock, `put` takes a key (a counter in the header), sends the descriptors to the
/// socket with `SCM_RIGHTS` in datagrams of the key and a count, and writes the item as `0xFFFFFFFF`, the count
/// and the key before its length. `get`, under the same lock, takes the item and receives its datagrams. As puts
/// and gets are serialised by the lock and the socket keeps its order, the datagrams at the front are the first
/// item's; a datagram of an older key was left by a producer that died between parking and writing its item, and
/// is dropped (its descriptors closed).
///
/// Why this design rather than Python's (the sender keeps the descriptors and serves them on a Unix socket of its
/// own, the item carries its address and a key, the receiver connects and fetches them): here the kernel holds
/// the descriptors in the socket, so the sender may exit before any consumer gets the item, nothing names a
/// process, so it works the same inside a PID namespace, and no process needs a right to another's descriptors
/// (as `pidfd_getfd` would: `ptrace` access). Any number of producers and consumers share the one socket. The
/// cost: two more descriptors per queue, and a socket buffer that holds a few hundred parked items at most
/// (`SO_SNDBUF`); a `put` that finds it full waits, as for room in the ring, or throws
/// ``MultiprocessingError/Code/full`` without `block`. When the last process holding the queue closes it, the
/// kernel closes what is still parked.
final class SharedRing: @unchecked Sendable {
    private enum Field: Int {
        case head = 64, tail = 72                               // UInt64 positions, only under the lock
        case itemCount = 80, notEmpty = 84, notFull = 88        // UInt32; the sequences are futex words
        case waitingConsumers = 92, waitingProducers = 96
        case unfinished = 100, capacity = 104, maximumItems = 108
        case parkingKey = 112                                   // UInt64: the next key, only under the lock
    }

    /// The length field of an item that carries descriptors: its count, key and real length follow.
    private static let descriptorMarker = UInt32.max

    private static let headerSize = 4096
    /// The memfd and its mapping (shared with the locks and ``SharedMemory``: no name, nothing to leak).
    private let mapping: SharedMemoryMapping
    /// At the start of the header; a holder that died is no error here (see ``RobustMutex/lockRecovering()``).
    private let mutex: RobustMutex
    private var base: UnsafeMutableRawPointer { mapping.base }
    let capacity: Int

    var descriptor: FileDescriptor { mapping.descriptor }
    /// The datagram socket pair where items' descriptors wait: sent on `parkingSend`, received on `parkingReceive`.
    let parkingSend: FileDescriptor
    let parkingReceive: FileDescriptor
    /// The process that opened or received the sockets: a forked child's copy of the ring closes nothing.
    private let owner = getpid()

    /// A new ring of `capacity` bytes that holds at most `maximumItems` items (0: no limit).
    init(capacity: Int, maximumItems: Int) throws(MultiprocessingError) {
        guard capacity > 8 && capacity <= Int(UInt32.max) else {
            throw MultiprocessingError(.invalidArgument, "a queue's capacity must be in 9...\(UInt32.max) bytes, not "
                + "\(capacity)")
        }
        var pair: [Int32] = [-1, -1]
        guard pair.withUnsafeMutableBufferPointer({ lx_socketpair_datagram_cloexec($0.baseAddress!) }) == 0 else {
            throw MultiprocessingError(.systemCallFailed, "cannot make a queue's socket",
                                       underlyingError: _currentErrno())
        }
        parkingSend = FileDescriptor(rawValue: pair[0])
        parkingReceive = FileDescriptor(rawValue: pair[1])
        do {
            mapping = try SharedMemoryMapping(size: Self.headerSize + capacity, name: "multiprocessing-queue")
        } catch {
            _close(parkingSend)
            _close(parkingReceive)
            throw error
        }
        mutex = RobustMutex.initialize(at: mapping.base, recursive: false)
        self.capacity = capacity
        word(.capacity).pointee = UInt32(capacity)
        word(.maximumItems).pointee = UInt32(clamping: maximumItems)
    }

    /// Maps a ring another process made, received as `descriptor` with its parking sockets (all of which this ring
    /// then owns).
    init(receiving descriptor: FileDescriptor, parkingSend: FileDescriptor, parkingReceive: FileDescriptor)
        throws(MultiprocessingError) {
        guard _isSocket(parkingSend), _isSocket(parkingReceive) else {
            _close(descriptor)
            _close(parkingSend)
            _close(parkingReceive)
            throw MultiprocessingError(.codingFailed, "the descriptors passed for a queue's socket are not sockets")
        }
        self.parkingSend = parkingSend
        self.parkingReceive = parkingReceive
        do {
            mapping = try SharedMemoryMapping(receiving: descriptor, minimumSize: Self.headerSize + 1, what: "queue")
        } catch {
            _close(parkingSend)
            _close(parkingReceive)
            throw error
        }
        mutex = RobustMutex(address: mapping.base)
        capacity = mapping.size - Self.headerSize
    }

    deinit {
        guard owner == getpid() else { return }
        _close(parkingSend)
        _close(parkingReceive)
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

    /// Appends one item, which carries `descriptors` (parked in the queue's socket until a `get` takes the item).
    /// `countsTask` also raises the unfinished-task count (``JoinableQueue``).
    func put(_ bytes: UnsafeRawBufferPointer, descriptors: [FileDescriptor] = [], block: Bool, timeout: Duration?,
             countsTask: Bool) throws(MultiprocessingError) {
        let announcement = descriptors.isEmpty ? 0 : 16
        let needed = 4 + announcement + bytes.count
        guard needed <= capacity else {
            throw MultiprocessingError(.messageTooLarge,
                                       "an item of \(bytes.count) bytes does not fit in a queue of \(capacity) bytes")
        }
        let deadline = timeout.map { ContinuousClock().now.advanced(by: $0) }
        let maximum = word(.maximumItems).pointee
        lock()
        var key: UInt64 = 0
        while true {
            let used = Int(position(.tail).pointee - position(.head).pointee)
            let items = word(.itemCount).pointee
            if capacity - used >= needed && (maximum == 0 || items < maximum) {
                if descriptors.isEmpty { break }
                key = position(.parkingKey).pointee
                position(.parkingKey).pointee = key + 1
                switch park(descriptors, key: key) {
                case .success: break
                case .failure(.resourceTemporarilyUnavailable), .failure(.noBufferSpace):
                    // The socket is full: wait for consumers without the lock, then look at everything again.
                    unlock()
                    guard block else {
                        throw MultiprocessingError(.full, "the queue's socket is full of parked descriptors")
                    }
                    var milliseconds: Int32 = 10
                    if let deadline {
                        let remaining = ContinuousClock().now.duration(to: deadline)
                        guard remaining > .zero else {
                            throw MultiprocessingError(.full, "the queue's socket stayed full for \(timeout!)")
                        }
                        milliseconds = min(milliseconds, Int32(_milliseconds(rounding: remaining)))
                    }
                    var entry = pollfd(fd: parkingSend.rawValue, events: Int16(POLLOUT), revents: 0)
                    _ = Glibc.poll(&entry, 1, max(milliseconds, 1))
                    lock()
                    continue
                case .failure(let error):
                    unlock()
                    throw MultiprocessingError(.systemCallFailed, "cannot park an item's descriptors",
                                               underlyingError: error)
                }
                break
            }
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
        let tail = position(.tail).pointee
        if !descriptors.isEmpty {
            var fields = (Self.descriptorMarker.littleEndian, UInt32(descriptors.count).littleEndian,
                          key.littleEndian)
            withUnsafeBytes(of: &fields) { ring.copyIn(UnsafeRawBufferPointer(rebasing: $0[0..<16]), at: tail) }
        }
        var length = UInt32(bytes.count).littleEndian
        withUnsafeBytes(of: &length) { ring.copyIn($0, at: tail + UInt64(announcement)) }
        ring.copyIn(bytes, at: tail + UInt64(announcement) + 4)
        position(.tail).pointee = tail + UInt64(needed)
        _ = lx_atomic_add_u32(word(.itemCount), 1)
        if countsTask { _ = lx_atomic_add_u32(word(.unfinished), 1) }
        signal(.notEmpty, waiting: .waitingConsumers, all: false)
        unlock()
    }

    /// Removes the oldest item and passes its bytes and descriptors to `body` (outside the lock), which owns the
    /// descriptors.
    func get<T>(block: Bool, timeout: Duration?, _ body: (UnsafeRawBufferPointer, [FileDescriptor]) throws -> T)
        throws -> T {
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
        var start = head
        var length: UInt32 = 0
        withUnsafeMutableBytes(of: &length) { ring.copyOut($0, at: start) }
        var descriptors: Result<[FileDescriptor], MultiprocessingError> = .success([])
        if UInt32(littleEndian: length) == Self.descriptorMarker {
            var fields: (UInt32, UInt32, UInt64) = (0, 0, 0)
            withUnsafeMutableBytes(of: &fields) {
                ring.copyOut(UnsafeMutableRawBufferPointer(rebasing: $0[0..<16]), at: start)
            }
            descriptors = unpark(Int(UInt32(littleEndian: fields.1)), key: UInt64(littleEndian: fields.2))
            start += 16
            withUnsafeMutableBytes(of: &length) { ring.copyOut($0, at: start) }
        }
        let count = Int(UInt32(littleEndian: length))
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 8)
        defer { bytes.deallocate() }
        ring.copyOut(UnsafeMutableRawBufferPointer(rebasing: bytes[0..<count]), at: start + 4)
        position(.head).pointee = start + 4 + UInt64(count)
        _ = lx_atomic_sub_u32(word(.itemCount), 1)
        signal(.notFull, waiting: .waitingProducers, all: false)
        unlock()
        return try body(UnsafeRawBufferPointer(rebasing: bytes[0..<count]), descriptors.get())
    }

    // MARK: Parked descriptors

    /// With the lock held: sends `descriptors` to the parking socket under `key`, in datagrams of at most
    /// ``maximumDescriptorsPerMessage``, each the key and its count. `EAGAIN` when the socket is full (what was
    /// sent of them is then dropped by the next `get`, as an older key's).
    private func park(_ descriptors: [FileDescriptor], key: UInt64) -> Result<Void, Errno> {
        var start = 0
        while start < descriptors.count {
            let batch = Array(descriptors[start..<min(start + maximumDescriptorsPerMessage, descriptors.count)])
            start += batch.count
            var header = (key.littleEndian, UInt32(batch.count).littleEndian)
            let sent = withUnsafeBytes(of: &header) {
                _sendDescriptors(parkingSend, UnsafeRawBufferPointer(rebasing: $0[0..<12]), batch, waiting: false)
            }
            if case .failure(let error) = sent { return .failure(error) }
        }
        return .success(())
    }

    /// With the lock held: receives the `count` descriptors parked under `key`, dropping those of older keys.
    private func unpark(_ count: Int, key: UInt64) -> Result<[FileDescriptor], MultiprocessingError> {
        var collected: [FileDescriptor] = []
        func fail(_ message: String, _ error: Errno? = nil) -> Result<[FileDescriptor], MultiprocessingError> {
            for descriptor in collected { _close(descriptor) }
            return .failure(MultiprocessingError(.codingFailed, message, underlyingError: error))
        }
        while collected.count < count {
            var header: (UInt64, UInt32) = (0, 0)
            var arrived: [FileDescriptor] = []
            let received = withUnsafeMutableBytes(of: &header) {
                _receiveDescriptors(parkingReceive, UnsafeMutableRawBufferPointer(rebasing: $0[0..<12]),
                                    into: &arrived, waiting: false)
            }
            switch received {
            case .success(12):
                let arrivedKey = UInt64(littleEndian: header.0)
                if arrivedKey == key {
                    collected += arrived
                    continue
                }
                // An older key's were left by a producer that died before writing its item.
                for descriptor in arrived { _close(descriptor) }
                if arrivedKey < key { continue }
                return fail("an item's \(count) descriptors are missing from the queue's socket")
            case .success:
                for descriptor in arrived { _close(descriptor) }
            case .failure(.resourceTemporarilyUnavailable):
                return fail("an item's \(count) descriptors are missing from the queue's socket")
            case .failure(let error):
                return fail("cannot receive an item's descriptors", error)
            }
        }
        guard collected.count == count else { return fail("an item announced \(count) descriptors and more came") }
        return .success(collected)
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
