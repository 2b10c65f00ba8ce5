#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims
import SystemPackage

/// One end of a ``Pipe(duplex:)``: sends and receives whole messages, as Python's
/// `multiprocessing.connection.Connection`.
///
/// ```swift
/// let (parentEnd, childEnd) = try Pipe()
/// let child = Process(target: echo, arguments: childEnd)   // childEnd moves to the child
/// try child.start()
/// try parentEnd.send([42, nil, 7] as [Int?])
/// let reply: [Int?] = try parentEnd.recv()
/// ```
///
/// A message is a frame: a 4-byte little-endian length, then the bytes. ``send(_:)`` frames a value in the compact
/// binary encoding (``BinaryEncoder``); ``sendBytes(_:)`` frames raw bytes. When the other end is closed, or the
/// process that held it died, ``recv(_:)`` throws ``MultiprocessingError/Code/endOfFile`` instead of blocking, and
/// ``send(_:)`` throws with `EPIPE`.
///
/// **Passing a connection to a child moves it.** A `Connection` given to a ``Process`` as (part of) its arguments is
/// closed in this process once the child has started, so that a child's death is end of file here. Make another
/// pipe for another child.
///
/// **A pipe's messages go through shared memory.** The two ends of a ``Pipe(duplex:)`` share a ring per direction
/// (see `PipeMemory`): a message is a copy in and a copy out, with no system call while the receiver is awake.
/// Their socket pair wakes a receiver that sleeps and brings end of file. A connection made from a socket alone (a
/// manager's) sends and receives on the socket.
///
/// **Receiving polls before it sleeps** while messages keep coming soon after one another (a ping-pong, a
/// manager's calls): for up to 100 µs it looks at the ring (or asks the socket without blocking) and yields the
/// CPU now and then, so that no CPU has to be woken for the answer. A connection whose messages come seldom stops
/// polling and only sleeps.
///
/// All members are safe to call from any thread; sends are serialised with each other, and so are receives.
public final class Connection: Codable, Sendable {
    /// The socket and, for a pipe's end, its rings; `nil` once closed.
    private let endpoint: ForkSafeMutex<Endpoint?>
    private let receiving: ForkSafeMutex<ReceiveBuffer>
    private let sending = ForkSafeMutex(SendState())
    private let isSocket: Bool
    /// Whether this end can receive.
    public let readable: Bool
    /// Whether this end can send.
    public let writable: Bool

    /// The largest message, in bytes: the frame's length field has 32 bits.
    public static let maximumMessageSize = Int(UInt32.max)

    /// Wraps an open descriptor this connection then owns.
    package convenience init(descriptor: FileDescriptor, readable: Bool, writable: Bool, isSocket: Bool) {
        self.init(Endpoint(socket: descriptor), readable: readable, writable: writable, isSocket: isSocket)
    }

    /// An end of a pipe whose bytes go through `memory`: it sends into the ring at `sendRing` and receives from the
    /// one at `receiveRing` (-1: none). The socket then only carries doorbells and end of file.
    convenience init(socket: FileDescriptor, memory: PipeMemory, sendRing: Int, receiveRing: Int)
        throws(MultiprocessingError) {
        self.init(try Endpoint(socket: socket, memory: memory, sendRing: sendRing, receiveRing: receiveRing),
                  readable: receiveRing >= 0, writable: sendRing >= 0, isSocket: true)
    }

    private init(_ endpoint: Endpoint, readable: Bool, writable: Bool, isSocket: Bool) {
        self.endpoint = ForkSafeMutex(endpoint)
        self.receiving = ForkSafeMutex(ReceiveBuffer(readsMemory: endpoint.receiveRing != nil))
        self.readable = readable
        self.writable = writable
        self.isSocket = isSocket
    }

    /// Whether ``close()`` was called (or the connection moved to a child).
    public var isClosed: Bool { endpoint.withLock { $0 == nil } }

    private func openEndpoint(_ operation: String) throws(MultiprocessingError) -> Endpoint {
        guard let open = endpoint.withLock({ $0 }) else {
            throw MultiprocessingError(.closed, "cannot \(operation): the connection is closed")
        }
        return open
    }

    /// Runs `body` with the open socket.
    func withDescriptor<T>(_ body: (FileDescriptor) throws -> T) throws -> T {
        try body(try openEndpoint("use the connection").socket)
    }

    /// The socket, for benchmarks that compare a raw pipe with this connection. Do not read, write or close it
    /// while the connection is in use.
    public func rawDescriptorForBenchmarks() throws(MultiprocessingError) -> Int32 {
        try openEndpoint("use the connection").socket.rawValue
    }

    // MARK: Sending

    /// Sends `value` as one message, in the compact binary encoding.
    ///
    /// - Throws: ``MultiprocessingError`` with ``MultiprocessingError/Code/codingFailed`` if `value` cannot be
    ///   encoded, ``MultiprocessingError/Code/closed`` after ``close()``, and
    ///   ``MultiprocessingError/Code/endOfFile`` (`EPIPE`) when the other end is gone.
    public func send<T: Encodable>(_ value: T) throws(MultiprocessingError) {
        try sendFrame { frame throws(MultiprocessingError) in
            do {
                try BinaryEncoder().encode(value, appendingTo: &frame)
            } catch {
                throw MultiprocessingError(.codingFailed, "cannot encode \(T.self): \(error)")
            }
        }
    }

    /// Sends `bytes` as one message, as they are.
    ///
    /// - Throws: As ``send(_:)``.
    public func sendBytes(_ bytes: [UInt8]) throws(MultiprocessingError) {
        try sendFrame { frame in frame.append(contentsOf: bytes) }
    }

    /// Sends a frame whose payload `fill` appends after the four bytes of room for the length.
    func sendFrame(_ fill: (inout [UInt8]) throws(MultiprocessingError) -> Void) throws(MultiprocessingError) {
        guard writable else { throw MultiprocessingError(.invalidState, "this end of the pipe is read-only") }
        let endpoint = try openEndpoint("send")
        let result = try sending.withLock {
            (state: inout SendState) throws(MultiprocessingError) -> Result<Void, Errno> in
            state.frame.removeAll(keepingCapacity: state.frame.capacity <= 1 << 16)
            state.frame.append(contentsOf: [0, 0, 0, 0] as [UInt8])
            try fill(&state.frame)
            let length = state.frame.count - 4
            guard length <= Self.maximumMessageSize else {
                throw MultiprocessingError(.messageTooLarge, "a message of \(length) bytes is too large")
            }
            for index in 0..<4 {
                state.frame[index] = UInt8(truncatingIfNeeded: UInt32(length) >> (8 * UInt32(index)))
            }
            guard let ring = endpoint.sendRing else {
                return _writeAll(endpoint.socket, state.frame, isSocket: isSocket)
            }
            return state.frame.withUnsafeBytes { frame in
                ring.send(frame, doorbell: endpoint.socket, lastSeenTail: &state.lastSeenTail)
            }
        }
        switch result {
        case .success:
            return
        case .failure(.brokenPipe), .failure(.connectionReset):
            throw MultiprocessingError(.endOfFile, "cannot send: the other end is closed", underlyingError: .brokenPipe)
        case .failure(let error):
            throw MultiprocessingError(.systemCallFailed, "cannot send", underlyingError: error)
        }
    }

    // MARK: Receiving

    /// Receives the next message and decodes it as a `T`; blocks until one arrives.
    ///
    /// - Throws: ``MultiprocessingError`` with ``MultiprocessingError/Code/endOfFile`` when the other end is
    ///   closed (or its process died) and no message is left, ``MultiprocessingError/Code/codingFailed`` if the
    ///   message is not a `T`, ``MultiprocessingError/Code/closed`` after ``close()``.
    public func recv<T: Decodable>(_ type: T.Type = T.self) throws(MultiprocessingError) -> T {
        try withNextMessage { (bytes) throws(MultiprocessingError) -> T in
            do {
                return try BinaryDecoder().decode(type, from: bytes)
            } catch {
                throw MultiprocessingError(.codingFailed, "cannot decode \(T.self): \(error)")
            }
        }
    }

    /// Receives the next message as bytes; blocks until one arrives.
    ///
    /// - Throws: As ``recv(_:)``.
    public func recvBytes() throws(MultiprocessingError) -> [UInt8] {
        try withNextMessage { bytes in Array(bytes) }
    }

    /// Receives the next message into `buffer` from `offset` on and returns its length, as Python's
    /// `recv_bytes_into(buffer, offset)`; blocks until one arrives.
    ///
    /// - Throws: As ``recv(_:)``; ``MultiprocessingError/Code/bufferTooShort`` when the message does not fit
    ///   between `offset` and the buffer's end (the message is received all the same and is in
    ///   ``MultiprocessingError/receivedMessage``), ``MultiprocessingError/Code/invalidArgument`` for an offset
    ///   outside the buffer.
    public func recvBytes(into buffer: UnsafeMutableRawBufferPointer, offset: Int = 0)
        throws(MultiprocessingError) -> Int {
        guard offset >= 0 && offset <= buffer.count else {
            throw MultiprocessingError(
                .invalidArgument, "offset \(offset) is outside the buffer of \(buffer.count) bytes")
        }
        let message = try recvBytes()
        guard message.count <= buffer.count - offset else {
            var error = MultiprocessingError(
                .bufferTooShort, "a message of \(message.count) bytes does not fit the \(buffer.count - offset) "
                    + "bytes from offset \(offset)")
            error.receivedMessage = message
            throw error
        }
        message.withUnsafeBytes { bytes in
            UnsafeMutableRawBufferPointer(rebasing: buffer[offset...]).copyMemory(from: bytes)
        }
        return message.count
    }

    /// Whether a message (or end of file) can be received without blocking, waiting up to `timeout` for one;
    /// `nil` waits for as long as it takes.
    ///
    /// - Throws: ``MultiprocessingError/Code/closed`` after ``close()``.
    ///
    /// The corresponding C function is `poll`.
    public func poll(timeout: Duration? = .zero) throws(MultiprocessingError) -> Bool {
        guard readable else { throw MultiprocessingError(.invalidState, "this end of the pipe is write-only") }
        let endpoint = try openEndpoint("poll")
        if let ring = endpoint.receiveRing {
            // Waits holding the receive lock, so that one thread at a time sleeps on the doorbell.
            let deadline = timeout.map { ContinuousClock.now.advanced(by: $0) }
            let waited = receiving.withLock { buffer -> Result<Bool, Errno>? in
                if buffer.hasMessage { return .success(true) }
                return buffer.waitForRing(ring, socket: endpoint.socket, deadline: deadline, spins: timeout != .zero)
            }
            switch waited {
            case nil: return false
            case .success: return true   // bytes to receive, or end of file
            case .failure(let error):
                throw MultiprocessingError(.systemCallFailed, "cannot poll", underlyingError: error)
            }
        }
        let descriptor = endpoint.socket
        if receiving.withLock({ $0.hasMessage }) { return true }
        if timeout != .zero {
            switch receiving.withLock({ $0.spin.spin { _pollReadable(descriptor, milliseconds: 0) } }) {
            case .success(true): return true
            case .success(false): break
            case .failure(let error):
                throw MultiprocessingError(.systemCallFailed, "cannot poll", underlyingError: error)
            }
        }
        let start = AdaptiveSpin.now()
        let polled = _pollReadable(descriptor, until: timeout.map { ContinuousClock.now.advanced(by: $0) })
        if timeout != .zero { receiving.withLock { $0.spin.sleptSince(start) } }
        switch polled {
        case .success(let ready):
            return ready
        case .failure(let error):
            throw MultiprocessingError(.systemCallFailed, "cannot poll", underlyingError: error)
        }
    }

    /// Receives the next message as bytes from a peer that is not trusted yet: one whose length field claims more
    /// than `limit` bytes is refused before anything is allocated for it, and the whole message must arrive
    /// within `timeout`, however slowly its bytes trickle in.
    ///
    /// - Throws: ``MultiprocessingError/Code/messageTooLarge`` for a longer message (the connection is then of no
    ///   further use: its stream is in the middle of that message), ``MultiprocessingError/Code/timedOut`` when no
    ///   whole message arrived in time; otherwise as ``recv(_:)``.
    package func recvBytes(limit: Int, timeout: Duration) throws(MultiprocessingError) -> [UInt8] {
        try withNextMessage(deadline: ContinuousClock.now.advanced(by: timeout), limit: limit) { bytes in
            Array(bytes)
        }
    }

    /// Runs `body` on the next message's bytes, waiting for it until `deadline` (`nil`: for as long as it takes).
    ///
    /// - Parameter limit: The longest message accepted; a longer one throws
    ///   ``MultiprocessingError/Code/messageTooLarge`` as soon as its length has arrived.
    /// - Throws: ``MultiprocessingError/Code/timedOut`` when no whole message has arrived by `deadline`; otherwise
    ///   as ``recv(_:)``.
    func withNextMessage<T>(deadline: ContinuousClock.Instant? = nil, limit: Int = Connection.maximumMessageSize,
                            _ body: (UnsafeBufferPointer<UInt8>) throws(MultiprocessingError) -> T)
        throws(MultiprocessingError) -> T {
        guard readable else { throw MultiprocessingError(.invalidState, "this end of the pipe is write-only") }
        let endpoint = try openEndpoint("receive")
        // The result is not Sendable, and `withLock` returns `sending`: hand it out through a local instead.
        nonisolated(unsafe) var result: T?
        try receiving.withLock { (buffer: inout ReceiveBuffer) throws(MultiprocessingError) -> Void in
            while true {
                if let frame = buffer.nextFrame() {
                    defer { buffer.consume(frame) }
                    try buffer.bytes.withUnsafeBufferPointer { (bytes) throws(MultiprocessingError) -> Void in
                        result = try body(UnsafeBufferPointer(rebasing: bytes[frame]))
                    }
                    return
                }
                if let length = buffer.pendingLength, length > limit {
                    throw MultiprocessingError(
                        .messageTooLarge, "a message of \(length) bytes is larger than the \(limit) allowed here")
                }
                let filled = endpoint.receiveRing.map {
                    buffer.fill(from: $0, socket: endpoint.socket, deadline: deadline)
                } ?? buffer.fillAdaptively(from: endpoint.socket, isSocket: isSocket, deadline: deadline)
                guard let filled else {
                    throw MultiprocessingError(.timedOut, "no message arrived within the time allowed")
                }
                switch filled {
                case .success(true):
                    // Bytes that trickle in keep a read going only until the deadline.
                    if let deadline, !buffer.hasMessage, ContinuousClock.now >= deadline {
                        throw MultiprocessingError(.timedOut, "no whole message arrived within the time allowed")
                    }
                    continue
                case .success(false):
                    if buffer.isEmpty {
                        throw MultiprocessingError(.endOfFile, "end of file: the other end of the pipe is closed")
                    }
                    throw MultiprocessingError(.endOfFile, "end of file in the middle of a message")
                case .failure(.connectionReset):
                    throw MultiprocessingError(.endOfFile, "end of file: the other end of the pipe is gone")
                case .failure(let error):
                    throw MultiprocessingError(.systemCallFailed, "cannot receive", underlyingError: error)
                }
            }
        }
        return result!
    }

    // MARK: Closing

    /// Closes this end. Later calls do nothing; sending or receiving afterwards throws
    /// ``MultiprocessingError/Code/closed``.
    public func close() {
        guard let open = takeEndpoint() else { return }
        // A forked child's copy of its parent's connection is only forgotten: the child's descriptors from 3 up
        // were closed (or now are others), and the pipe is still its parent's.
        guard open.owner == getpid() else { return }
        // The other end's sends fail from now on (with a socket alone, the kernel sees to that).
        open.receiveRing?.markReceiverClosed()
        _close(open.socket)
    }

    /// Closes this process's copy of an end that moved to a child, which goes on using it.
    private func relinquish() {
        if let open = takeEndpoint() { _close(open.socket) }
    }

    /// The open endpoint, which this connection no longer holds afterwards.
    private func takeEndpoint() -> Endpoint? {
        endpoint.withLock { value in defer { value = nil }; return value }
    }

    deinit {
        close()
    }

    // MARK: Codable

    /// Passes this connection to a child: only as (part of) a ``Process``'s arguments. The connection moves: it is
    /// closed here once the child has started.
    ///
    /// - Throws: ``MultiprocessingError/Code/codingFailed`` outside a process's arguments, or when closed.
    public func encode(to encoder: any Encoder) throws {
        let transfer = try DescriptorTransfer.from(encoder, "Connection")
        let open = try openEndpoint("pass the connection")
        var container = encoder.unkeyedContainer()
        try container.encode(transfer.add(open.socket))
        try container.encode(readable)
        try container.encode(writable)
        try container.encode(isSocket)
        if let memory = open.memory {
            try container.encode(transfer.add(memory.mapping.descriptor))
            try container.encode(open.sendRingIndex)
            try container.encode(open.receiveRingIndex)
        } else {
            try container.encode(-1)
        }
        transfer.onStart { [self] in relinquish() }
    }

    /// Takes over a connection passed by the parent.
    ///
    /// - Throws: ``MultiprocessingError/Code/codingFailed`` outside a process's arguments.
    public init(from decoder: any Decoder) throws {
        let transfer = try DescriptorTransfer.from(decoder, "Connection")
        var container = try decoder.unkeyedContainer()
        let socket = try transfer.descriptor(at: try container.decode(Int.self))
        self.readable = try container.decode(Bool.self)
        self.writable = try container.decode(Bool.self)
        self.isSocket = try container.decode(Bool.self)
        let memoryIndex = try container.decode(Int.self)
        var endpoint = Endpoint(socket: socket)
        if memoryIndex >= 0 {
            do {
                let memory = try PipeMemory(receiving: try transfer.descriptor(at: memoryIndex))
                endpoint = try Endpoint(socket: socket, memory: memory, sendRing: try container.decode(Int.self),
                                        receiveRing: try container.decode(Int.self))
            } catch {
                _close(socket)
                throw error
            }
        }
        self.endpoint = ForkSafeMutex(endpoint)
        self.receiving = ForkSafeMutex(ReceiveBuffer(readsMemory: endpoint.receiveRing != nil))
    }
}

/// What an open ``Connection`` holds.
private struct Endpoint: Sendable {
    /// The socket: the messages themselves, or, for a pipe's end, only its doorbells and end of file.
    let socket: FileDescriptor
    /// The process that opened or received this end.
    let owner = getpid()
    /// A pipe's shared memory, kept mapped while the rings are in use.
    let memory: PipeMemory?
    let sendRingIndex: Int
    let receiveRingIndex: Int
    let sendRing: ByteRing?
    let receiveRing: ByteRing?

    /// An end that sends and receives on `socket` alone.
    init(socket: FileDescriptor) {
        self.socket = socket
        memory = nil
        sendRingIndex = -1
        receiveRingIndex = -1
        sendRing = nil
        receiveRing = nil
    }

    /// A pipe's end: bytes go through the rings of `memory` at `sendRing` and `receiveRing` (-1: none).
    init(socket: FileDescriptor, memory: PipeMemory, sendRing: Int, receiveRing: Int) throws(MultiprocessingError) {
        self.socket = socket
        self.memory = memory
        sendRingIndex = sendRing
        receiveRingIndex = receiveRing
        self.sendRing = try memory.ring(sendRing)
        self.receiveRing = try memory.ring(receiveRing)
    }
}

/// The sending side's state, under the send lock.
private struct SendState: Sendable {
    /// The frame being sent, kept between sends so that a send allocates nothing for its frame.
    var frame: [UInt8] = []
    /// The receiver's position in the ring at the previous send (see ``ByteRing/send(_:doorbell:lastSeenTail:)``).
    var lastSeenTail: UInt64 = 0
}

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

    /// A buffer for a connection that receives from a ring (`readsMemory`) or from its socket.
    init(readsMemory: Bool) {
        // A look at the ring is a load, a system call is about a microsecond: poll for about as long either way.
        spin = AdaptiveSpin(pollsBetweenYields: readsMemory ? 4 * AdaptiveSpin.pollsBetweenYields
                                                            : AdaptiveSpin.pollsBetweenYields)
    }

    var isEmpty: Bool { start == end }

    /// The range of the next complete frame's payload, if it is all here.
    func nextFrame() -> Range<Int>? {
        guard end - start >= 4 else { return nil }
        let length = Int(bytes[start]) | Int(bytes[start + 1]) << 8 | Int(bytes[start + 2]) << 16
            | Int(bytes[start + 3]) << 24
        guard end - start - 4 >= length else { return nil }
        return (start + 4)..<(start + 4 + length)
    }

    var hasMessage: Bool { nextFrame() != nil }

    /// The length the next frame's header claims, once its four bytes are here.
    var pendingLength: Int? {
        guard end - start >= 4 else { return nil }
        return Int(bytes[start]) | Int(bytes[start + 1]) << 8 | Int(bytes[start + 2]) << 16
            | Int(bytes[start + 3]) << 24
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
            arrived = read(from: descriptor, waiting: false)
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
        return read(from: descriptor, waiting: true)!
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
                    switch Self.drainDoorbells(socket) {
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

    /// Reads the doorbells waiting on a pipe's socket; `false` at end of file.
    private static func drainDoorbells(_ socket: FileDescriptor) -> Result<Bool, Errno> {
        withUnsafeTemporaryAllocation(byteCount: 64, alignment: 1) { scratch in
            while true {
                switch _receiveNow(socket, scratch.baseAddress!, scratch.count) {
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
        if end - start >= 4 {
            let length = Int(bytes[start]) | Int(bytes[start + 1]) << 8 | Int(bytes[start + 2]) << 16
                | Int(bytes[start + 3]) << 24
            let needed = start + 4 + length
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

    /// One read into the free space; `nil` when `waiting` is false (a socket) and nothing has arrived.
    private mutating func read(from descriptor: FileDescriptor, waiting: Bool) -> Result<Bool, Errno>? {
        let result = bytes.withUnsafeMutableBytes { raw -> Result<Int, Errno> in
            guard !waiting else { return _read(descriptor, raw.baseAddress! + end, raw.count - end) }
            return _receiveNow(descriptor, raw.baseAddress! + end, raw.count - end)
        }
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
