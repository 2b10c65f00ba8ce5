/// A simpler queue between processes, as Python's `multiprocessing.SimpleQueue`: ``put(_:)`` and ``get()`` only,
/// no size limit but its capacity, no timeouts.
///
/// ```swift
/// let queue = try SimpleQueue<Int>()
/// try queue.put(1)
/// let one = try queue.get()
/// ```
public final class SimpleQueue<Element: Codable & Sendable>: Codable, Sendable {
    private let queue: Queue<Element>

    /// An empty queue of `capacity` bytes of shared memory.
    ///
    /// - Throws: ``MultiprocessingError/Code/invalidArgument`` for a `capacity` outside 9...UInt32.max,
    ///   ``MultiprocessingError/Code/systemCallFailed`` when the shared memory cannot be made.
    public init(capacity: Int = 4 << 20) throws(MultiprocessingError) {
        queue = try Queue(capacity: capacity)
    }

    /// Puts `item` at the end, waiting for room if the queue's memory is full.
    ///
    /// - Throws: As ``Queue/put(_:block:timeout:)``.
    public func put(_ item: Element) throws(MultiprocessingError) { try queue.put(item) }

    /// Removes and returns the first item, waiting for one.
    ///
    /// - Throws: As ``Queue/get(block:timeout:)``.
    public func get() throws(MultiprocessingError) -> Element { try queue.get() }

    /// Whether the queue is empty right now.
    public var isEmpty: Bool { queue.isEmpty }

    /// Says this process will use the queue no more.
    public func close() { queue.close() }

    /// Passes the queue to another process: in a ``Process``'s arguments, a ``Connection``'s message, a ``Queue``'s
    /// item or a ``Pool``'s task or initializer.
    public func encode(to encoder: any Encoder) throws { try queue.encode(to: encoder) }

    /// Maps a queue passed by the parent.
    public init(from decoder: any Decoder) throws { queue = try Queue(from: decoder) }
}
