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
/// binary encoding (``BinaryEncoder``); ``sendBytes(_:offset:size:)`` frames raw bytes. When the other end is
/// closed, or the process that held it died, ``recv(_:)`` throws ``MultiprocessingError/Code/endOfFile`` instead of
/// blocking, and ``send(_:)`` throws with `EPIPE`.
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
/// **Resources travel in messages.** A message may hold a ``Lock``, a ``SharedValue``, a ``Queue``, another
/// `Connection` (which moves, as to a child) or any value that holds descriptors: their descriptors travel beside
/// the frame, with `SCM_RIGHTS` on the pipe's socket, sent before the frame; a 4-byte length of `0xFFFFFFFF` in the
/// byte stream announces them (`0xFFFFFFFF`, then their count) just before the message they belong to. The kernel
/// holds them in the socket until the receiver reads, so a sender may exit at once. ``sendHandle(_:)`` and
/// ``recvHandle()`` pass a bare descriptor, as Python's `send_handle` and `recv_handle`.
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

    /// The largest message, in bytes: the frame's length field has 32 bits, and its largest value announces
    /// descriptors.
    public static let maximumMessageSize = Int(UInt32.max) - 1

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
    ///
    /// `value` may hold resources (a ``Lock``, a ``SharedValue``, a ``Queue``, a `Connection`, …): the receiver gets
    /// them usable. A `Connection` in `value` moves: it is closed here once the message is sent.
    public func send<T: Encodable>(_ value: T) throws(MultiprocessingError) {
        try sendFrame { frame, context throws(MultiprocessingError) in
            do {
                var encoder = BinaryEncoder()
                encoder.context = context
                try encoder.encode(value, appendingTo: &frame)
            } catch {
                throw MultiprocessingError(.codingFailed, "cannot encode \(T.self): \(error)")
            }
        }
    }

    /// Sends `size` bytes of `bytes` from `offset` on (by default all of them) as one message, as they are: Python's
    /// `send_bytes(buffer, offset, size)`.
    ///
    /// - Throws: ``MultiprocessingError/Code/invalidArgument`` for a negative `offset` or `size`, or a range that
    ///   does not lie within `bytes` (Python's `ValueError`); otherwise as ``send(_:)``.
    public func sendBytes(_ bytes: [UInt8], offset: Int = 0, size: Int? = nil) throws(MultiprocessingError) {
        guard offset >= 0 else { throw MultiprocessingError(.invalidArgument, "offset is negative: \(offset)") }
        guard offset <= bytes.count else {
            throw MultiprocessingError(.invalidArgument, "offset \(offset) is past the \(bytes.count) bytes")
        }
        let size = size ?? bytes.count - offset
        guard size >= 0 else { throw MultiprocessingError(.invalidArgument, "size is negative: \(size)") }
        guard size <= bytes.count - offset else {
            throw MultiprocessingError(.invalidArgument, "offset \(offset) + size \(size) is past the \(bytes.count) "
                + "bytes")
        }
        try sendFrame { frame, _ in frame.append(contentsOf: bytes[offset..<(offset + size)]) }
    }

    /// Sends a frame whose payload `fill` appends after the four bytes of room for the length, encoding with the
    /// context it is given; the descriptors recorded in that context's transfer go first.
    func sendFrame(_ fill: (inout [UInt8], BinaryCodingContext) throws(MultiprocessingError) -> Void)
        throws(MultiprocessingError) {
        guard writable else { throw MultiprocessingError(.invalidState, "this end of the pipe is read-only") }
        let endpoint = try openEndpoint("send")
        let result = try sending.withLock {
            (state: inout SendState) throws(MultiprocessingError) -> Result<Void, Errno> in
            state.frame.removeAll(keepingCapacity: state.frame.capacity <= 1 << 16)
            state.frame.append(contentsOf: [0, 0, 0, 0] as [UInt8])
            let transfer = state.context.transfer!
            // Emptied afterwards too, so that a failed send keeps no value it would have moved.
            transfer.reset()
            defer { transfer.reset() }
            try fill(&state.frame, state.context)
            let length = state.frame.count - 4
            guard length <= Self.maximumMessageSize else {
                throw MultiprocessingError(.messageTooLarge, "a message of \(length) bytes is too large")
            }
            for index in 0..<4 {
                state.frame[index] = UInt8(truncatingIfNeeded: UInt32(length) >> (8 * UInt32(index)))
            }
            if !transfer.isEmpty {
                guard isSocket else {
                    throw MultiprocessingError(.invalidState, "this connection is not a socket: it cannot carry "
                        + "descriptors")
                }
                if case .failure(let error) = sendDescriptors(transfer.descriptors, endpoint, &state) {
                    return .failure(error)
                }
            }
            let sent: Result<Void, Errno>
            if let ring = endpoint.sendRing {
                sent = state.frame.withUnsafeBytes { frame in
                    ring.send(frame, doorbell: endpoint.socket, lastSeenTail: &state.lastSeenTail)
                }
            } else {
                sent = _writeAll(endpoint.socket, state.frame, isSocket: isSocket)
            }
            if case .success = sent { transfer.started() }
            return sent
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

    /// Sends `descriptors` ahead of a message: in batches, each announced in the byte stream by `0xFFFFFFFF` and
    /// its count. On a socket alone a batch is attached to its announcement; with rings, it goes on the socket (with
    /// one byte, which the receiver takes for a doorbell) before its announcement goes into the ring, so that a
    /// receiver that reads the announcement finds the descriptors in the socket.
    private func sendDescriptors(_ descriptors: [FileDescriptor], _ endpoint: Endpoint, _ state: inout SendState)
        -> Result<Void, Errno> {
        var start = 0
        while start < descriptors.count {
            let batch = Array(descriptors[start..<min(start + maximumDescriptorsPerMessage, descriptors.count)])
            start += batch.count
            let count = UInt32(batch.count)
            let header: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF]
                + (0..<4).map { UInt8(truncatingIfNeeded: count >> (8 * $0)) }
            if let ring = endpoint.sendRing {
                let doorbell: [UInt8] = [1]
                let sent = doorbell.withUnsafeBytes { _sendDescriptors(endpoint.socket, $0, batch, waiting: true) }
                if case .failure(let error) = sent { return .failure(error) }
                let written = header.withUnsafeBytes { ring.send($0, doorbell: endpoint.socket,
                                                                 lastSeenTail: &state.lastSeenTail) }
                if case .failure(let error) = written { return .failure(error) }
            } else {
                let sent = header.withUnsafeBytes { _sendDescriptors(endpoint.socket, $0, batch, waiting: true) }
                switch sent {
                case .failure(let error): return .failure(error)
                case .success(let count) where count < header.count:
                    let rest = _writeAll(endpoint.socket, Array(header[count...]), isSocket: true)
                    if case .failure(let error) = rest { return .failure(error) }
                case .success: break
                }
            }
        }
        return .success(())
    }

    // MARK: Receiving

    /// Receives the next message and decodes it as a `T`; blocks until one arrives.
    ///
    /// - Throws: ``MultiprocessingError`` with ``MultiprocessingError/Code/endOfFile`` when the other end is
    ///   closed (or its process died) and no message is left, ``MultiprocessingError/Code/codingFailed`` if the
    ///   message is not a `T`, ``MultiprocessingError/Code/closed`` after ``close()``.
    ///
    /// Resources in the message (sent with ``send(_:)``) arrive usable; descriptors that no part of `T` takes are
    /// closed.
    public func recv<T: Decodable>(_ type: T.Type = T.self) throws(MultiprocessingError) -> T {
        try withNextMessage { (bytes, descriptors) throws(MultiprocessingError) -> T in
            var decoder = BinaryDecoder()
            var transfer: DescriptorTransfer? = nil
            if descriptors.isEmpty {
                decoder.context = .nothingReceived
            } else {
                transfer = DescriptorTransfer(descriptors: descriptors)
                decoder.context = BinaryCodingContext(transfer: transfer)
            }
            defer { transfer?.closeUntaken() }
            do {
                return try decoder.decode(type, from: bytes)
            } catch {
                throw MultiprocessingError(.codingFailed, "cannot decode \(T.self): \(error)")
            }
        }
    }

    /// Receives the next message as bytes; blocks until one arrives.
    ///
    /// - Throws: As ``recv(_:)``.
    /// Descriptors that came with the message are closed.
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
        try withNextMessage(deadline: deadline, limit: limit) {
            (bytes, descriptors) throws(MultiprocessingError) -> T in
            for descriptor in descriptors { _close(descriptor) }
            return try body(bytes)
        }
    }

    /// As ``withNextMessage(deadline:limit:_:)``, passing `body` the descriptors that came with the message as
    /// well; `body` owns them.
    func withNextMessage<T>(deadline: ContinuousClock.Instant? = nil, limit: Int = Connection.maximumMessageSize,
                            _ body: (UnsafeBufferPointer<UInt8>, [FileDescriptor]) throws(MultiprocessingError) -> T)
        throws(MultiprocessingError) -> T {
        guard readable else { throw MultiprocessingError(.invalidState, "this end of the pipe is write-only") }
        let endpoint = try openEndpoint("receive")
        // The result is not Sendable, and `withLock` returns `sending`: hand it out through a local instead.
        nonisolated(unsafe) var result: T?
        try receiving.withLock { (buffer: inout ReceiveBuffer) throws(MultiprocessingError) -> Void in
            while true {
                // A peer that is not trusted yet (a limit is set) sends no descriptors: its 0xFFFFFFFF is a length,
                // and what it attached is closed at once.
                if limit < Connection.maximumMessageSize {
                    buffer.closeDescriptors()
                    if buffer.announcedBytes > 0 || buffer.startsWithMarker {
                        throw MultiprocessingError(.messageTooLarge, "a message of \(UInt32.max) bytes is larger "
                            + "than the \(limit) allowed here")
                    }
                }
                if let frame = buffer.nextFrame() {
                    defer { buffer.consume(frame) }
                    let descriptors = try buffer.takeDescriptors(
                        buffer.descriptorCount(before: frame),
                        socket: endpoint.receiveRing == nil ? nil : endpoint.socket)
                    try buffer.bytes.withUnsafeBufferPointer { (bytes) throws(MultiprocessingError) -> Void in
                        result = try body(UnsafeBufferPointer(rebasing: bytes[frame]), descriptors)
                    }
                    return
                }
                if let length = buffer.pendingLength, length > limit {
                    throw MultiprocessingError(
                        .messageTooLarge, "a message of \(length) bytes is larger than the \(limit) allowed here")
                }
                if buffer.announcedBytes > ReceiveBuffer.maximumAnnouncedBytes {
                    throw MultiprocessingError(
                        .messageTooLarge, "more descriptors were announced than one message may carry")
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
        receiving.withLock { $0.closeDescriptors() }
    }

    // MARK: Codable

    /// Passes this connection to another process: in a ``Process``'s arguments, another connection's message, a
    /// ``Queue``'s item or a ``Pool``'s task or initializer. The connection moves: it is closed here once the child
    /// has started, or the message or item is sent (a pool keeps a duplicate until the task is done).
    ///
    /// - Throws: ``MultiprocessingError/Code/codingFailed`` in any other encoding, or when closed.
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

    /// Takes over a connection another process passed.
    ///
    /// - Throws: ``MultiprocessingError/Code/codingFailed`` in any other decoding.
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
    /// The encoding context of every send, its transfer emptied before each.
    let context = BinaryCodingContext(transfer: DescriptorTransfer())
    /// The frame being sent, kept between sends so that a send allocates nothing for its frame.
    var frame: [UInt8] = []
    /// The receiver's position in the ring at the previous send (see ``ByteRing/send(_:doorbell:lastSeenTail:)``).
    var lastSeenTail: UInt64 = 0
}
