import Multiprocessing

/// A queue held by a ``Manager``'s server, as Python's `manager.Queue(maxsize)`: first in first out, unbounded
/// unless made with a `maxsize`.
public struct QueueProxy<Element: Codable & Sendable>: TypedProxy {
    /// The untyped proxy underneath.
    public let proxy: ObjectProxy

    /// A typed view of `proxy` (which must refer to an object of the matching kind).
    public init(_ proxy: ObjectProxy) {
        self.proxy = proxy
    }

    /// Appends `element`, waiting up to `timeout` (`nil`: as long as it takes) for room in a queue with a
    /// `maxsize`; a queue without one never makes it wait.
    ///
    /// - Throws: `MultiprocessingError.Code.full` when the queue stayed full,
    ///   `MultiprocessingError.Code.invalidArgument` for a negative `timeout` (Python's `ValueError`).
    public func put(_ element: Element, timeout: Duration? = nil) throws(MultiprocessingError) {
        try _checkTimeout(timeout, "Queue.put")
        let seconds = ManagedValue(seconds: timeout)
        do {
            try proxy.call("put", arguments: [try ManagedValue(wrapping: element), .bool(true), seconds],
                           waiting: timeout)
        } catch where error.code == .remoteError && error.remoteDescription == "Full" {
            throw MultiprocessingError(.full, "the manager's queue stayed full")
        }
    }

    /// Whether the queue holds `maxsize` elements; Python's `q.full()`.
    public func isFull() throws(MultiprocessingError) -> Bool {
        try proxy.call("full") == .bool(true)
    }

    /// Takes the oldest element, waiting up to `timeout` (`nil`: as long as it takes) for one.
    ///
    /// - Throws: `MultiprocessingError.Code.empty` when none came in time,
    ///   `MultiprocessingError.Code.invalidArgument` for a negative `timeout` (Python's `ValueError`).
    public func get(timeout: Duration? = nil) throws(MultiprocessingError) -> Element {
        try _checkTimeout(timeout, "Queue.get")
        let seconds = ManagedValue(seconds: timeout)
        do {
            return try proxy.call("get", arguments: [.bool(true), seconds], waiting: timeout).unwrap(as: Element.self)
        } catch where error.code == .remoteError && error.remoteDescription == "Empty" {
            throw MultiprocessingError(.empty, "the manager's queue stayed empty")
        }
    }

    /// The number of elements waiting.
    public func qsize() throws(MultiprocessingError) -> Int {
        try proxy.call("qsize").unwrap(as: Int.self)
    }

    /// Whether no element is waiting.
    public func isEmpty() throws(MultiprocessingError) -> Bool {
        try proxy.call("empty") == .bool(true)
    }
}
