
/// The pending result of ``Pool/applyAsync(_:_:callback:errorCallback:)`` or ``Pool/mapAsync(_:_:chunksize:callback:errorCallback:)``, as Python's
/// `AsyncResult`.
public final class AsyncResult<Value: Sendable>: Sendable {
    typealias Collect = @Sendable ([PoolEngine.Finished?], [ChunkResults.Ticket]) -> Result<Value, PoolError>

    private let engine: PoolEngine
    private let tickets: [ChunkResults.Ticket]
    private let collect: Collect
    private let outcome = ForkSafeMutex<Result<Value, PoolError>?>(nil)

    init(engine: PoolEngine, tickets: [ChunkResults.Ticket], collect: @escaping Collect) {
        self.engine = engine
        self.tickets = tickets
        self.collect = collect
    }

    /// Waits up to `timeout` (`nil`: no limit) and returns whether the result is ready.
    @discardableResult
    public func wait(timeout: Duration? = nil) -> Bool {
        if outcome.withLock({ $0 != nil }) { return true }
        let deadline = timeout.map { ContinuousClock.now.advanced(by: $0) }
        let ready: Result<Value, PoolError>? = engine.lock.withLock {
            let done = engine.pump(until: deadline) { tickets.allSatisfy { engine.finished[$0.id] != nil } }
            guard done else { return nil }
            let finished = tickets.map { engine.finished.removeValue(forKey: $0.id) }
            return collect(finished, tickets)
        }
        guard let ready else { return false }
        outcome.withLock { if $0 == nil { $0 = ready } }
        return true
    }

    /// Whether the result is ready, without waiting.
    public var isReady: Bool { wait(timeout: .zero) }

    /// The result, waiting up to `timeout` (`nil`: no limit) for it.
    ///
    /// - Throws: ``PoolError/Code/timedOut`` when it is not ready in time (call again to keep waiting), or the
    ///   task's failure, with its index.
    public func get(timeout: Duration? = nil) throws(PoolError) -> Value {
        guard wait(timeout: timeout) else {
            throw PoolError(.timedOut, "the result was not ready within \(timeout!)")
        }
        return try outcome.withLock { $0! }.get()
    }
}
