import Synchronization
import SystemPackage

/// A first-in, first-out queue between processes, for many producers and many consumers, as Python's
/// `multiprocessing.Queue`.
///
/// ```swift
/// let queue = try Queue<String>()
/// let producer = Process(target: produce, arguments: queue)   // the child calls queue.put(…)
/// try producer.start()
/// let first = try queue.get(timeout: .seconds(5))
/// ```
///
/// Items are encoded with the compact binary encoding into a ring of shared memory that every process holding the
/// queue maps (see ``init(maxsize:capacity:)``). Pass a queue to a child as (part of) a ``Process``'s arguments;
/// unlike a ``Connection`` it stays usable here too. An item is delivered to exactly one ``get(block:timeout:)``.
///
/// A process that dies while putting or getting does not block the others (the lock is robust), though the item
/// it was handling may be lost.
///
/// Items may hold resources: a ``Lock``, a ``SharedValue``, a ``Connection`` (which moves), another queue, … Their
/// descriptors wait in the queue's own socket until a consumer takes the item (see `SharedRing`), so the producer
/// may exit at once; Python refuses to put such objects in a queue outside a child's start.
public final class Queue<Element: Codable & Sendable>: Codable, Sendable {
    let ring: SharedRing
    private let closed = Atomic<Bool>(false)

    /// A queue that holds at most `maxsize` items (0: no limit but `capacity`) in `capacity` bytes of shared
    /// memory (each item takes its encoded size plus 4 bytes).
    ///
    /// - Throws: ``MultiprocessingError/Code/invalidArgument`` for a `capacity` outside 9...UInt32.max (a
    ///   `maxsize` of 0 or less means no limit, as Python's); ``MultiprocessingError/Code/systemCallFailed`` when the
    ///   shared memory cannot be made.
    public init(maxsize: Int = 0, capacity: Int = 4 << 20) throws(MultiprocessingError) {
        ring = try SharedRing(capacity: capacity, maximumItems: maxsize)
    }

    /// Puts `item` at the end of the queue; when the queue is full, waits for room (`block`, up to `timeout`,
    /// `nil` for no limit) or throws at once.
    ///
    /// - Throws: ``MultiprocessingError/Code/full`` when there was no room in time,
    ///   ``MultiprocessingError/Code/closed`` after ``close()``, ``MultiprocessingError/Code/messageTooLarge``
    ///   for an item larger than the queue's capacity, ``MultiprocessingError/Code/codingFailed``,
    ///   ``MultiprocessingError/Code/invalidArgument`` for a negative `timeout` (Python's `ValueError`).
    public func put(_ item: Element, block: Bool = true, timeout: Duration? = nil) throws(MultiprocessingError) {
        try put(item, block: block, timeout: timeout, countsTask: false)
    }

    func put(_ item: Element, block: Bool, timeout: Duration?, countsTask: Bool) throws(MultiprocessingError) {
        try _checkTimeout(timeout, "Queue.put")
        guard !closed.load(ordering: .relaxed) else {
            throw MultiprocessingError(.closed, "cannot put: the queue is closed")
        }
        let bytes: [UInt8]
        var transfer: DescriptorTransfer? = nil
        do {
            // Without a transfer of its own first: most items hold no resources.
            var encoder = BinaryEncoder()
            encoder.context = .probing
            do {
                bytes = try encoder.encode(item)
            } catch is DescriptorTransfer.Needed {
                let needed = DescriptorTransfer()
                transfer = needed
                bytes = try BinaryEncoder(transfer: needed).encode(item)
            }
        } catch {
            throw MultiprocessingError(.codingFailed, "cannot encode \(Element.self): \(error)")
        }
        let failure: MultiprocessingError? = bytes.withUnsafeBytes { buffer in
            do throws(MultiprocessingError) {
                try ring.put(buffer, descriptors: transfer?.descriptors ?? [], block: block, timeout: timeout,
                             countsTask: countsTask)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
        transfer?.started()
    }

    /// Removes and returns the first item; when the queue is empty, waits for one (`block`, up to `timeout`,
    /// `nil` for no limit) or throws at once.
    ///
    /// - Throws: ``MultiprocessingError/Code/empty`` when no item came in time, ``MultiprocessingError/Code/closed``
    ///   after ``close()``, ``MultiprocessingError/Code/codingFailed``, ``MultiprocessingError/Code/invalidArgument``
    ///   for a negative `timeout` (Python's `ValueError`).
    public func get(block: Bool = true, timeout: Duration? = nil) throws(MultiprocessingError) -> Element {
        try _checkTimeout(timeout, "Queue.get")
        guard !closed.load(ordering: .relaxed) else {
            throw MultiprocessingError(.closed, "cannot get: the queue is closed")
        }
        do {
            return try ring.get(block: block, timeout: timeout) { bytes, descriptors in
                var decoder = BinaryDecoder()
                guard !descriptors.isEmpty else {
                    decoder.context = .nothingReceived
                    return try decoder.decode(Element.self, from: bytes.assumingMemoryBound(to: UInt8.self))
                }
                let transfer = DescriptorTransfer(descriptors: descriptors)
                defer { transfer.closeUntaken() }
                decoder.context = BinaryCodingContext(transfer: transfer)
                return try decoder.decode(Element.self, from: bytes.assumingMemoryBound(to: UInt8.self))
            }
        } catch let error as MultiprocessingError {
            throw error
        } catch {
            throw MultiprocessingError(.codingFailed, "cannot decode \(Element.self): \(error)")
        }
    }

    /// ``put(_:block:timeout:)`` without waiting.
    public func putNoWait(_ item: Element) throws(MultiprocessingError) { try put(item, block: false) }

    /// ``get(block:timeout:)`` without waiting.
    public func getNoWait() throws(MultiprocessingError) -> Element { try get(block: false) }

    /// The number of items in the queue right now (others may change it at once).
    public var qsize: Int { ring.count }

    /// Whether the queue is empty right now.
    public var isEmpty: Bool { ring.count == 0 }

    /// Whether the queue holds `maxsize` items right now.
    public var isFull: Bool { ring.isFull }

    /// Says this process will use the queue no more: later calls here throw ``MultiprocessingError/Code/closed``.
    /// Other processes are not affected; the shared memory goes away with the last process that holds the queue.
    public func close() {
        closed.store(true, ordering: .relaxed)
    }

    /// Whether ``close()`` was called in this process.
    public var isClosed: Bool { closed.load(ordering: .relaxed) }

    /// Passes the queue to another process: as (part of) a ``Process``'s arguments, a ``Connection``'s message,
    /// another queue's item or a ``Pool``'s task or initializer. It stays usable here.
    ///
    /// - Throws: ``MultiprocessingError/Code/codingFailed`` in any other encoding.
    public func encode(to encoder: any Encoder) throws {
        let transfer = try DescriptorTransfer.from(encoder, "Queue")
        var container = encoder.unkeyedContainer()
        try container.encode(transfer.add(ring.descriptor))
        try container.encode(transfer.add(ring.parkingSend))
        try container.encode(transfer.add(ring.parkingReceive))
    }

    /// Maps a queue another process passed.
    ///
    /// - Throws: ``MultiprocessingError/Code/codingFailed`` in any other decoding.
    public init(from decoder: any Decoder) throws {
        let transfer = try DescriptorTransfer.from(decoder, "Queue")
        var container = try decoder.unkeyedContainer()
        let memory = try transfer.descriptor(at: container.decode(Int.self))
        let parking: (FileDescriptor, FileDescriptor)
        do {
            parking = (try transfer.descriptor(at: container.decode(Int.self)),
                       try transfer.descriptor(at: container.decode(Int.self)))
        } catch {
            _close(memory)
            throw error
        }
        ring = try SharedRing(receiving: memory, parkingSend: parking.0, parkingReceive: parking.1)
    }
}
