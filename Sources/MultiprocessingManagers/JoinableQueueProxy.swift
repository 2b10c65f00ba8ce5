import Multiprocessing

/// A queue held by a ``Manager``'s server that counts unfinished items, as Python's `manager.JoinableQueue()`:
/// each ``put(_:timeout:)`` adds one, each ``taskDone()`` takes one away, and ``join(timeout:)`` waits for none
/// to be left.
///
/// ```swift
/// try jobs.put(42)                  // producer
/// try jobs.join()                   // returns once every item was marked done
///
/// let job = try jobs.get()          // consumer, in another process
/// try handle(job)
/// try jobs.taskDone()
/// ```
public struct JoinableQueueProxy<Element: Codable & Sendable>: TypedProxy {
    /// The queue's other methods: ``QueueProxy/get(timeout:)``, ``QueueProxy/qsize()``, …
    public let queue: QueueProxy<Element>
    /// The untyped proxy underneath.
    public var proxy: ObjectProxy { queue.proxy }

    /// A typed view of `proxy` (which must refer to a joinable queue).
    public init(_ proxy: ObjectProxy) {
        queue = QueueProxy(proxy)
    }

    /// Appends `element` and counts it unfinished; see ``QueueProxy/put(_:timeout:)``.
    public func put(_ element: Element, timeout: Duration? = nil) throws(MultiprocessingError) {
        try queue.put(element, timeout: timeout)
    }

    /// Takes the oldest element; see ``QueueProxy/get(timeout:)``.
    public func get(timeout: Duration? = nil) throws(MultiprocessingError) -> Element {
        try queue.get(timeout: timeout)
    }

    /// Marks one element taken with ``get(timeout:)`` as done.
    ///
    /// - Throws: `MultiprocessingError.Code.invalidState` when every element put is marked done already
    ///   (Python's `ValueError: task_done() called too many times`).
    public func taskDone() throws(MultiprocessingError) {
        do {
            try proxy.call("task_done")
        } catch where error.code == .remoteError && error.remoteDescription?.hasPrefix("ValueError") == true {
            throw MultiprocessingError(.invalidState, "task_done() was called more times than there were items")
        }
    }

    /// Waits until every element put was marked done, up to `timeout` (`nil`: as long as it takes; Python's
    /// `join` has no timeout). Returns whether none is left.
    ///
    /// - Throws: `MultiprocessingError.Code.invalidArgument` for a negative `timeout`.
    @discardableResult
    public func join(timeout: Duration? = nil) throws(MultiprocessingError) -> Bool {
        try _checkTimeout(timeout, "JoinableQueue.join")
        return try proxy.call("join", arguments: [ManagedValue(seconds: timeout)], waiting: timeout) == .bool(true)
    }

    /// Encodes the proxy, to pass it to a child process; see ``ObjectProxy``.
    public func encode(to encoder: any Encoder) throws { try queue.encode(to: encoder) }
    /// Decodes a proxy passed by another process; it connects on its first call.
    public init(from decoder: any Decoder) throws { queue = try QueueProxy(from: decoder) }
}
