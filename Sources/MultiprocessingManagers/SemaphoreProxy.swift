import Multiprocessing

/// A semaphore held by a ``Manager``'s server, as Python's `manager.Semaphore(value)` and
/// `manager.BoundedSemaphore(value)`: a counter that ``acquire(blocking:timeout:)`` takes one from, waiting while
/// it is 0, and ``release(_:)`` adds to, across every process that uses it.
///
/// ```swift
/// let slots = try manager.boundedSemaphore(2)     // at most two processes at a time
/// try slots.withAcquired { try download(url) }
/// ```
public struct SemaphoreProxy: TypedProxy {
    /// The untyped proxy underneath.
    public let proxy: ObjectProxy

    /// A typed view of `proxy` (which must refer to an object of the matching kind).
    public init(_ proxy: ObjectProxy) {
        self.proxy = proxy
    }

    /// Takes one from the value, waiting up to `timeout` (`nil`: as long as it takes) while it is 0; returns
    /// whether it did. With `blocking` false it does not wait.
    ///
    /// - Throws: `MultiprocessingError.Code.invalidArgument` for a negative `timeout`; otherwise as
    ///   ``ObjectProxy/call(_:arguments:waiting:)``.
    @discardableResult
    public func acquire(blocking: Bool = true, timeout: Duration? = nil) throws(MultiprocessingError) -> Bool {
        try proxy.acquire(blocking: blocking, timeout: timeout, "Semaphore.acquire")
    }

    /// Adds `count` to the value, waking as many waiters.
    ///
    /// - Throws: `MultiprocessingError.Code.invalidState` when a bounded semaphore would go above its initial
    ///   value (Python's `ValueError: Semaphore released too many times`);
    ///   `MultiprocessingError.Code.invalidArgument` for a `count` below 1.
    public func release(_ count: Int = 1) throws(MultiprocessingError) {
        guard count >= 1 else {
            throw MultiprocessingError(.invalidArgument, "a semaphore is released by 1 or more, not \(count)")
        }
        do {
            try proxy.call("release", arguments: [.int(count)])
        } catch where error.code == .remoteError
            && error.remoteDescription == "ValueError: Semaphore released too many times" {
            throw MultiprocessingError(.invalidState, "the bounded semaphore was released too many times")
        }
    }

    /// The current value (Python's proxies do not have it; its `threading.Semaphore` does, as `_value`).
    public func value() throws(MultiprocessingError) -> Int {
        try proxy.call("get_value").unwrap(as: Int.self)
    }

    /// Runs `body` having acquired the semaphore, and releases it afterwards: Python's `with semaphore:`.
    public func withAcquired<T>(_ body: () throws -> T) throws -> T {
        try acquire()
        defer { try? release() }
        return try body()
    }
}
