#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims
import SystemPackage

/// Bytes read from a connection and not yet handed out; frames are cut from it.
struct ReceiveBuffer: Sendable {
    /// Storage past `end` is left uninitialized: the kernel writes it, and nothing reads beyond `end`. Zero-filling
    /// 16 KiB would touch four fresh pages per connection, each a page fault, before a single byte arrived.
    var bytes = Self.uninitializedStorage(count: 16 * 1024)
    var start = 0
    var end = 0

    /// How long to poll for more bytes before sleeping in `read`.
    var spin: AdaptiveSpin
    /// Whether the socket of a pipe's end reached end of file: the other end is closed.
    private var sawEndOfFile = false
    /// Descriptors received on the socket and not yet handed out with their message, oldest first.
    private var descriptors: [FileDescriptor] = []
    /// The process that receives: a forked child's copy of the buffer closes nothing.
    private let owner = getpid()

    /// A buffer for a connection that receives from a ring (`readsMemory`) or from its socket.
    init(readsMemory: Bool) {
        // A look at the ring is a load, a system call is about a microsecond: poll for about as long either way.
        spin = AdaptiveSpin(pollsBetweenYields: readsMemory ? 4 * AdaptiveSpin.pollsBetweenYields
                                                            : AdaptiveSpin.pollsBetweenYields)
    }

    var isEmpty: Bool { start == end }

    /// The length field that announces descriptors: the next four bytes are their count.
    static let descriptorMarker = Int(UInt32.max)

    /// The little-endian 32-bit word at `position`.
    private func word(at position: Int) -> Int {
        Int(bytes[position]) | Int(bytes[position + 1]) << 8 | Int(bytes[position + 2]) << 16
            | Int(bytes[position + 3]) << 24
    }

    /// Where the next message's length field is, past the announcements of descriptors before it, once its four
    /// bytes are here.
    private var messageStart: Int? {
        var position = start
        while end - position >= 4 {
            guard word(at: position) == Self.descriptorMarker else { return position }
            guard end - position >= 8 else { return nil }
            position += 8
        }
        return nil
    }

    /// The range of the next complete frame's payload, if it is all here.
    func nextFrame() -> Range<Int>? {
        guard let position = messageStart else { return nil }
        let length = word(at: position)
        guard end - position - 4 >= length else { return nil }
        return (position + 4)..<(position + 4 + length)
    }

    var hasMessage: Bool { nextFrame() != nil }

    /// The length the next frame's header claims, once its four bytes are here.
    var pendingLength: Int? {
        messageStart.map { word(at: $0) }
    }

    /// The most bytes of announcements before one message: 8,192 batches, half a million descriptors. A peer that
    /// sends announcements without end cannot make the buffer grow without end.
    static let maximumAnnouncedBytes = 8 * 8192

    /// Whether the first four bytes are the length that announces descriptors.
    var startsWithMarker: Bool { end - start >= 4 && word(at: start) == Self.descriptorMarker }

    /// The bytes of the complete announcements at the front of the buffer.
    var announcedBytes: Int {
        var position = start
        while end - position >= 8 && word(at: position) == Self.descriptorMarker { position += 8 }
        return position - start
    }

    /// The number of descriptors announced before `frame`.
    func descriptorCount(before frame: Range<Int>) -> Int {
        var count = 0
        var position = start
        while position < frame.lowerBound - 4 {
            count += word(at: position + 4)
            position += 8
        }
        return count
    }

    /// Takes the `count` oldest descriptors received, reading more from `socket` (a pipe's, whose descriptors come
    /// apart from the ring's bytes) while too few have arrived. On a socket alone (`nil`) they arrived with their
    /// announcement.
    ///
    /// - Throws: ``MultiprocessingError/Code/codingFailed`` when fewer arrived than were announced.
    mutating func takeDescriptors(_ count: Int, socket: FileDescriptor?) throws(MultiprocessingError)
        -> [FileDescriptor] {
        guard count > 0 else { return [] }
        if let socket {
            var scratch: [UInt8] = Array(repeating: 0, count: 64)
            while descriptors.count < count && !sawEndOfFile {
                let received = scratch.withUnsafeMutableBytes {
                    _receiveDescriptors(socket, $0, into: &descriptors, waiting: true)
                }
                switch received {
                case .success(0), .failure(.connectionReset): sawEndOfFile = true
                case .success: continue
                case .failure(let error):
                    throw MultiprocessingError(.systemCallFailed, "cannot receive descriptors", underlyingError: error)
                }
            }
        }
        guard descriptors.count >= count else {
            let arrived = descriptors.count
            closeDescriptors()
            throw MultiprocessingError(.codingFailed, "a message announced \(count) descriptors and \(arrived) came")
        }
        defer { descriptors.removeFirst(count) }
        return Array(descriptors[..<count])
    }

    /// Closes the descriptors received and not handed out (the connection is going away).
    mutating func closeDescriptors() {
        if owner == getpid() {
            for descriptor in descriptors { _close(descriptor) }
        }
        descriptors = []
    }

    mutating func consume(_ frame: Range<Int>) {
        start = frame.upperBound
        if start == end {
            start = 0
            end = 0
        }
    }

    /// Reads what is available into the free space (`false` at end of file), polling for a while first if
    /// messages have been coming soon after the last (see ``AdaptiveSpin``), and waiting no longer than
    /// `deadline`: `nil` when it passed with nothing to read. On a socket each poll is a receive that does not
    /// block, so a message that is already there costs one system call, as a plain read.
    mutating func fillAdaptively(from descriptor: FileDescriptor, isSocket: Bool,
                                 deadline: ContinuousClock.Instant? = nil) -> Result<Bool, Errno>? {
        makeRoom()
        var spin = self.spin
        var arrived: Result<Bool, Errno>? = nil
        let polled = spin.spin { () -> Result<Bool, Errno> in
            guard isSocket else { return _pollReadable(descriptor, milliseconds: 0) }
            arrived = read(from: descriptor, isSocket: true, waiting: false)
            return arrived == nil ? .success(false) : .success(true)
        }
        self.spin = spin
        if let arrived { return arrived }
        if case .failure(let error) = polled { return .failure(error) }
        let start = AdaptiveSpin.now()
        defer { self.spin.sleptSince(start) }
        if let deadline, polled != .success(true) {
            switch _pollReadable(descriptor, until: deadline) {
            case .success(false): return nil
            case .failure(let error): return .failure(error)
            case .success(true): break
            }
        }
        return read(from: descriptor, isSocket: isSocket, waiting: true)!
    }

    /// Copies what `ring` holds into the free space (`false` at end of file: the ring is empty and the other end
    /// closed), waiting for bytes as ``waitForRing(_:socket:deadline:spins:)`` does: `nil` when `deadline` passed.
    mutating func fill(from ring: ByteRing, socket: FileDescriptor, deadline: ContinuousClock.Instant?)
        -> Result<Bool, Errno>? {
        makeRoom()
        switch waitForRing(ring, socket: socket, deadline: deadline, spins: true) {
        case nil: return nil
        case .failure(let error): return .failure(error)
        case .success(false): return .success(false)
        case .success(true): break
        }
        let count = bytes.withUnsafeMutableBytes { raw in
            ring.receive(into: UnsafeMutableRawBufferPointer(rebasing: raw[end...]))
        }
        end += count
        return .success(true)
    }

    /// Waits until `ring` holds bytes (`true`) or the other end is closed with the ring empty (`false`), or until
    /// `deadline` (`nil`); polls the ring first when `spins`, then sleeps on `socket` for the doorbell.
    mutating func waitForRing(_ ring: ByteRing, socket: FileDescriptor, deadline: ContinuousClock.Instant?,
                              spins: Bool) -> Result<Bool, Errno>? {
        if ring.available > 0 { return .success(true) }
        if sawEndOfFile { return .success(false) }
        if spins {
            var spin = self.spin
            let arrived = spin.spin {
                lx_cpu_relax()
                return .success(ring.available > 0)
            }
            self.spin = spin
            if arrived == .success(true) { return .success(true) }
        }
        let start = AdaptiveSpin.now()
        defer { if spins { self.spin.sleptSince(start) } }
        while true {
            if ring.prepareToSleep() {
                let polled = _pollReadable(socket, until: deadline)
                ring.finishSleeping()
                switch polled {
                case .success(false): return ring.available > 0 ? .success(true) : nil
                case .failure(let error): return .failure(error)
                case .success(true):
                    switch drainDoorbells(socket) {
                    case .success(let open): sawEndOfFile = sawEndOfFile || !open
                    case .failure(let error): return .failure(error)
                    }
                }
            }
            // Bytes sent before the other end closed are in the ring before its end of file reached the socket.
            if ring.available > 0 { return .success(true) }
            if sawEndOfFile { return .success(false) }
        }
    }

    /// Reads the doorbells waiting on a pipe's socket, keeping the descriptors that came with them; `false` at end
    /// of file.
    private mutating func drainDoorbells(_ socket: FileDescriptor) -> Result<Bool, Errno> {
        withUnsafeTemporaryAllocation(byteCount: 64, alignment: 1) { scratch in
            while true {
                switch _receiveDescriptors(socket, scratch, into: &descriptors, waiting: false) {
                case .success(0), .failure(.connectionReset): return .success(false)
                case .success: continue
                case .failure(.resourceTemporarilyUnavailable): return .success(true)
                case .failure(let error): return .failure(error)
                }
            }
        }
    }

    /// Moves unread bytes to the front when the buffer is full or mostly consumed, and grows it to hold the frame
    /// whose length has arrived.
    private mutating func makeRoom() {
        if start > 0 && (end == bytes.count || start > bytes.count / 2) {
            bytes.withUnsafeMutableBytes { raw in
                raw.baseAddress!.copyMemory(from: raw.baseAddress! + start, byteCount: end - start)
            }
            end -= start
            start = 0
        }
        if let position = messageStart {
            let needed = position + 4 + word(at: position)
            if needed > bytes.count { grow(to: needed) }
        }
        if end == bytes.count { grow(to: bytes.count * 2) }
    }

    /// Larger storage holding the bytes up to `end`.
    private mutating func grow(to count: Int) {
        var larger = Self.uninitializedStorage(count: count)
        larger.withUnsafeMutableBytes { target in
            bytes.withUnsafeBytes { source in
                target.baseAddress!.copyMemory(from: source.baseAddress!, byteCount: end)
            }
        }
        bytes = larger
    }

    private static func uninitializedStorage(count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// One read into the free space, keeping the descriptors that come with the bytes on a socket; `nil` when
    /// `waiting` is false (a socket) and nothing has arrived.
    private mutating func read(from descriptor: FileDescriptor, isSocket: Bool, waiting: Bool)
        -> Result<Bool, Errno>? {
        let offset = end
        var arrived = descriptors
        descriptors = []
        let result = bytes.withUnsafeMutableBytes { raw -> Result<Int, Errno> in
            guard isSocket else { return _read(descriptor, raw.baseAddress! + offset, raw.count - offset) }
            return _receiveDescriptors(descriptor, UnsafeMutableRawBufferPointer(rebasing: raw[offset...]),
                                       into: &arrived, waiting: waiting)
        }
        descriptors = arrived
        switch result {
        case .success(0): return .success(false)
        case .success(let count):
            end += count
            return .success(true)
        case .failure(.resourceTemporarilyUnavailable):
            return waiting ? .failure(.resourceTemporarilyUnavailable) : nil
        case .failure(let error): return .failure(error)
        }
    }
}
