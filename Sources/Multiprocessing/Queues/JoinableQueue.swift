/// A ``Queue`` that counts unfinished tasks, as Python's `multiprocessing.JoinableQueue`: every
/// ``put(_:block:timeout:)`` adds one, every ``taskDone()`` removes one, and ``join(timeout:)`` waits until none
/// is left.
///
/// ```swift
/// let tasks = try JoinableQueue<Int>()
/// for number in 1...10 { try tasks.put(number) }
/// // workers: let n = try tasks.get(); …; try tasks.taskDone()
/// try tasks.join()
/// ```
public final class JoinableQueue<Element: Codable & Sendable>: Codable, Sendable {
    private let queue: Queue<Element>

    /// As ``Queue/init(maxsize:capacity:)``.
    public init(maxsize: Int = 0, capacity: Int = 4 << 20) throws(MultiprocessingError) {
        queue = try Queue(maxsize: maxsize, capacity: capacity)
    }

    /// Puts `item` and counts one more unfinished task. As ``Queue/put(_:block:timeout:)``.
    public func put(_ item: Element, block: Bool = true, timeout: Duration? = nil) throws(MultiprocessingError) {
        try queue.put(item, block: block, timeout: timeout, countsTask: true)
    }

    /// As ``Queue/get(block:timeout:)``.
    public func get(block: Bool = true, timeout: Duration? = nil) throws(MultiprocessingError) -> Element {
        try queue.get(block: block, timeout: timeout)
    }

    /// Says a task taken with ``get(block:timeout:)`` is finished.
    ///
    /// - Throws: ``MultiprocessingError/Code/invalidState`` when called more often than items were put (Python's
    ///   `ValueError`).
    public func taskDone() throws(MultiprocessingError) {
        guard queue.ring.taskDone() else {
            throw MultiprocessingError(.invalidState, "taskDone() called more times than there were items")
        }
    }

    /// Waits until every item put has been marked done with ``taskDone()``, or `timeout` passes (`nil`: no limit).
    ///
    /// - Throws: ``MultiprocessingError/Code/timedOut`` when tasks remain after `timeout`,
    ///   ``MultiprocessingError/Code/invalidArgument`` for a negative `timeout`.
    public func join(timeout: Duration? = nil) throws(MultiprocessingError) {
        try _checkTimeout(timeout, "JoinableQueue.join")
        guard queue.ring.joinTasks(timeout: timeout) else {
            throw MultiprocessingError(.timedOut, "tasks were still unfinished after \(timeout!)")
        }
    }

    /// The number of items in the queue right now.
    public var qsize: Int { queue.qsize }

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
