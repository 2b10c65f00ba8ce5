#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims
import SystemPackage

/// One direction of a ``Pipe(duplex:)`` in shared memory: a byte stream with one sending end and one receiving end,
/// as a kernel pipe is, kept in a ring that both processes map (see ``PipeMemory``).
///
/// The sender copies bytes in and publishes them by moving `head`; the receiver copies them out and frees the room
/// by moving `tail`. Both positions only grow; a position's place in the ring is the position modulo the capacity.
/// Each position has one writer, so no lock is needed: publishing is a sequentially consistent store, which also
/// orders it before the check of the other side's sleeping flag (see ``send(_:doorbell:lastSeenTail:)`` and
/// ``prepareToSleep()``).
///
/// Sleeping and waking:
/// - A receiver that finds the ring empty sets `receiverSleeps`, looks at `head` once more, and sleeps in `poll` on
///   the pipe's socket. A sender that publishes bytes and finds the flag set clears it and writes one byte, the
///   doorbell, to the socket. The socket also brings end of file when the other end is closed or its process dies,
///   which a futex could not.
/// - A sender that finds the ring full sets `senderWaits` and sleeps on the futex `roomSequence`, which the receiver
///   bumps (and wakes) when it frees room while the flag is set. The sleep is bounded, and each time it ends with
///   the ring still full the sender asks the socket whether the receiver's end is gone.
///
/// The two flags follow the same pattern: the sleeper stores its flag and then loads the other side's position; the
/// other side stores its position and then loads the flag. With both sequentially consistent, at least one of the
/// two sees the other's store, so a sleeper is never left sleeping on bytes or room it was not told about.
///
/// Sendable without checks: the memory is shared between processes on purpose, and every word two sides touch is
/// read and written atomically.
struct ByteRing: @unchecked Sendable {
    /// Offsets in the ring's header; the two positions and the two sleepers' words sit on separate cache lines.
    private enum Field: Int {
        case head = 0                 // UInt64: bytes ever sent; written by the sender
        case tail = 64                // UInt64: bytes ever received; written by the receiver
        case receiverSleeps = 128     // UInt32: 1 while the receiver sleeps (or is about to) on the socket
        case senderWaits = 192        // UInt32: 1 while the sender waits for room
        case roomSequence = 196       // UInt32: the futex the sender waits on
        case receiverClosed = 256     // UInt32: 1 once the receiving end was closed
    }

    /// The size of a ring's header in bytes.
    static let headerSize = 512
    /// How long a sender waits for room before it checks that the receiver still exists.
    private static let roomCheckInterval: Int64 = 20_000_000

    private let header: UnsafeMutableRawPointer
    private let storage: RingStorage
    /// The ring's size in bytes.
    var capacity: Int { storage.capacity }

    init(header: UnsafeMutableRawPointer, data: UnsafeMutableRawPointer, capacity: Int) {
        self.header = header
        self.storage = RingStorage(base: data, capacity: capacity)
    }

    private func word(_ field: Field) -> UnsafeMutablePointer<UInt32> {
        (header + field.rawValue).assumingMemoryBound(to: UInt32.self)
    }

    private func position(_ field: Field) -> UnsafeMutablePointer<UInt64> {
        (header + field.rawValue).assumingMemoryBound(to: UInt64.self)
    }

    /// Bytes sent and not yet received.
    var available: Int {
        Int(lx_atomic_load_u64(position(.head)) &- lx_atomic_load_u64(position(.tail)))
    }

    // MARK: Sending

    /// Copies all of `bytes` into the ring, waiting for room while it is full, and rings the doorbell on `socket`
    /// when the receiver sleeps. Fails with `EPIPE` when the receiving end was closed or its process is gone.
    ///
    /// `lastSeenTail` is the sender's memory of the receiver's position at its previous send. When bytes are still
    /// waiting and the receiver has taken nothing since then, the receiver may be dead, and the socket is asked
    /// (one `poll`); a receiver that keeps up costs no system call.
    func send(_ bytes: UnsafeRawBufferPointer, doorbell socket: FileDescriptor, lastSeenTail: inout UInt64)
        -> Result<Void, Errno> {
        var offset = 0
        while offset < bytes.count {
            if lx_atomic_load_u32(word(.receiverClosed)) != 0 { return .failure(.brokenPipe) }
            let head = lx_atomic_load_u64(position(.head))
            let tail = lx_atomic_load_u64(position(.tail))
            if head != tail && tail == lastSeenTail && Self.peerClosed(socket) { return .failure(.brokenPipe) }
            lastSeenTail = tail
            let room = capacity - Int(head &- tail)
            guard room > 0 else {
                if case .failure(let error) = waitForRoom(socket) { return .failure(error) }
                continue
            }
            let count = min(room, bytes.count - offset)
            storage.copyIn(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)]), at: head)
            lx_atomic_store_u64(position(.head), head &+ UInt64(count))
            offset += count
            if lx_atomic_exchange_u32(word(.receiverSleeps), 0) != 0,
               case .failure(let error) = Self.ringDoorbell(socket) {
                return .failure(error)
            }
        }
        return .success(())
    }

    /// Writes the one-byte doorbell that wakes a receiver sleeping on `socket`.
    private static func ringDoorbell(_ socket: FileDescriptor) -> Result<Void, Errno> {
        var doorbell: UInt8 = 1
        while lx_send_nosignal(socket.rawValue, &doorbell, 1) < 0 {
            switch _currentErrno() {
            case .interrupted: continue
            case .brokenPipe, .connectionReset: return .failure(.brokenPipe)
            case .resourceTemporarilyUnavailable: return .success(())   // doorbells are already waiting
            case let error: return .failure(error)
            }
        }
        return .success(())
    }

    /// Sleeps until the receiver frees room, or for ``roomCheckInterval``; fails when the receiver is gone.
    private func waitForRoom(_ socket: FileDescriptor) -> Result<Void, Errno> {
        let observed = lx_atomic_load_u32(word(.roomSequence))
        lx_atomic_store_u32(word(.senderWaits), 1)
        defer { lx_atomic_store_u32(word(.senderWaits), 0) }
        if available < capacity { return .success(()) }
        _ = lx_futex_wait(word(.roomSequence), observed, Self.roomCheckInterval)
        if available == capacity
            && (lx_atomic_load_u32(word(.receiverClosed)) != 0 || Self.peerClosed(socket)) {
            return .failure(.brokenPipe)
        }
        return .success(())
    }

    /// Whether the other end of `socket` is closed (`POLLHUP`), asked without waiting.
    private static func peerClosed(_ socket: FileDescriptor) -> Bool {
        var entry = pollfd(fd: socket.rawValue, events: 0, revents: 0)
        return poll(&entry, 1, 0) > 0 && entry.revents & Int16(POLLHUP | POLLERR) != 0
    }

    // MARK: Receiving

    /// Copies as many waiting bytes as fit into `buffer` and frees their room; returns how many (0 when the ring is
    /// empty). Wakes the sender if it waits for room.
    func receive(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let tail = lx_atomic_load_u64(position(.tail))
        let count = min(Int(lx_atomic_load_u64(position(.head)) &- tail), buffer.count)
        guard count > 0 else { return 0 }
        storage.copyOut(UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count]), at: tail)
        lx_atomic_store_u64(position(.tail), tail &+ UInt64(count))
        if lx_atomic_load_u32(word(.senderWaits)) != 0 {
            _ = lx_atomic_add_u32(word(.roomSequence), 1)
            _ = lx_futex_wake(word(.roomSequence), 1)
        }
        return count
    }

    /// Announces that the receiver is about to sleep on the socket; `false` when bytes arrived meanwhile (do not
    /// sleep). After the sleep, call ``finishSleeping()``.
    func prepareToSleep() -> Bool {
        lx_atomic_store_u32(word(.receiverSleeps), 1)
        guard available == 0 else {
            lx_atomic_store_u32(word(.receiverSleeps), 0)
            return false
        }
        return true
    }

    /// Withdraws the announcement of ``prepareToSleep()`` (the sender may already have done so).
    func finishSleeping() {
        lx_atomic_store_u32(word(.receiverSleeps), 0)
    }

    /// Records that the receiving end is closed: later sends fail at once instead of filling the ring.
    func markReceiverClosed() {
        lx_atomic_store_u32(word(.receiverClosed), 1)
    }
}
