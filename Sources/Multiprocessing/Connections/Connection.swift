#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims
import Synchronization
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
/// binary encoding (``BinaryEncoder``); ``sendBytes(_:offset:size:)`` frames raw bytes. When the other end is closed, or the
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
    private let endpoint: Mutex<Endpoint?>
    private let receiving: Mutex<ReceiveBuffer>
    private let sending = Mutex(SendState())
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
        self.endpoint = Mutex(endpoint)
        self.receiving = Mutex(ReceiveBuffer(readsMemory: endpoint.receiveRing != nil))
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

    /// Sends `descriptor` to the process at the other end, which receives its own descriptor for the same open file
    /// with ``recvHandle()``: Python's `multiprocessing.reduction.send_handle(conn, handle, pid)`. `descriptor` stays
    /// open here. The other process need not be a child, nor still be related to this one.
    ///
    /// - Throws: ``MultiprocessingError/Code/invalidArgument`` for a descriptor that is not open; otherwise as
    ///   ``send(_:)``.
    ///
    /// The corresponding C function is `sendmsg` with `SCM_RIGHTS`.
    public func sendHandle(_ descriptor: FileDescriptor) throws(MultiprocessingError) {
        guard fcntl(descriptor.rawValue, F_GETFD) >= 0 else {
            throw MultiprocessingError(.invalidArgument, "descriptor \(descriptor.rawValue) is not open",
                                       underlyingError: _currentErrno())
        }
        try send(PassedHandle(descriptor: descriptor))
    }

    /// Receives a descriptor sent with ``sendHandle(_:)``: Python's `multiprocessing.reduction.recv_handle(conn)`.
    /// The caller owns it (close it when done); it is close-on-exec.
    ///
    /// - Throws: ``MultiprocessingError/Code/codingFailed`` when the next message is not a descriptor sent with
    ///   ``sendHandle(_:)`` (Python's `RuntimeError`: the message is consumed, and any descriptors it carried are
    ///   closed); otherwise as ``recv(_:)``.
    public func recvHandle() throws(MultiprocessingError) -> FileDescriptor {
        try withNextMessage { (bytes, descriptors) throws(MultiprocessingError) -> FileDescriptor in
            let transfer = DescriptorTransfer(descriptors: descriptors)
            defer { transfer.closeUntaken() }
            guard !descriptors.isEmpty else {
                throw MultiprocessingError(.codingFailed, "the message received carries no descriptor: was it sent "
                    + "with sendHandle(_:)?")
            }
            do {
                return try BinaryDecoder(transfer: transfer).decode(PassedHandle.self, from: bytes).descriptor
            } catch {
                throw MultiprocessingError(.codingFailed, "the message received is not a descriptor sent with "
                    + "sendHandle(_:): \(error)")
            }
        }
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
            let header: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF] + (0..<4).map { UInt8(truncatingIfNeeded: count >> (8 * $0)) }
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
                // A peer that is not trusted yet (a limit is set) sends no descriptors: its 0xFFFFFFFF is a length.
                if limit < Connection.maximumMessageSize, buffer.announcedBytes > 0 || buffer.startsWithMarker {
                    throw MultiprocessingError(.messageTooLarge, "a message of \(UInt32.max) bytes is larger than "
                        + "the \(limit) allowed here")
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
        self.endpoint = Mutex(endpoint)
        self.receiving = Mutex(ReceiveBuffer(readsMemory: endpoint.receiveRing != nil))
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

/// The payload of ``Connection/sendHandle(_:)``: a tag, so that another resource's message is not taken for one,
/// and one descriptor.
private struct PassedHandle: Codable {
    static let tag = "handle"
    var descriptor: FileDescriptor

    init(descriptor: FileDescriptor) {
        self.descriptor = descriptor
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(Self.tag)
        try container.encode(DescriptorTransfer.from(encoder, "descriptor").add(descriptor))
    }

    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        guard try container.decode(String.self) == Self.tag, container.count == 2 else {
            throw MultiprocessingError(.codingFailed, "not a descriptor sent with sendHandle(_:)")
        }
        descriptor = try DescriptorTransfer.from(decoder, "descriptor").descriptor(at: container.decode(Int.self))
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
