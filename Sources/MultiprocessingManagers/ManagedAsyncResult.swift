import Multiprocessing

/// The pending result of a ``PoolProxy``'s ``PoolProxy/applyAsync(_:_:)`` or ``PoolProxy/mapAsync(_:_:chunksize:)``,
/// as Python's `AsyncResult` proxy. The server hands a result over once; this object keeps it.
public final class ManagedAsyncResult<Value: Sendable>: @unchecked Sendable {
    typealias Decode = @Sendable ([Result<[UInt8], PoolError>]) -> Result<Value, PoolError>

    private let proxy: ObjectProxy
    private let job: Int
    private let decode: Decode
    private let lock = _PthreadLock()
    /// The result once it came; guarded by `lock`.
    private var outcome: Result<Value, PoolError>?

    init(proxy: ObjectProxy, job: Int, decode: @escaping Decode) {
        self.proxy = proxy
        self.job = job
        self.decode = decode
    }

    /// Waits up to `timeout` (`nil`: no limit) and returns whether the result is ready.
    ///
    /// - Throws: `MultiprocessingError` when the server cannot be reached;
    ///   `MultiprocessingError.Code.invalidArgument` for a negative `timeout`.
    @discardableResult
    public func wait(timeout: Duration? = nil) throws(MultiprocessingError) -> Bool {
        try _checkTimeout(timeout, "AsyncResult.wait")
        do {
            return try lock.withLock { () throws(MultiprocessingError) -> Bool in
            if outcome != nil { return true }
            let reply: ManagedValue
            do throws(MultiprocessingError) {
                reply = try proxy.call("get", arguments: [.int(job), ManagedValue(seconds: timeout)], waiting: timeout)
            } catch where error.code == .remoteError && error.remoteDescription == "TimeoutError" {
                return false
            }
            guard case .list(let chunks) = reply else {
                throw MultiprocessingError(.codingFailed, "the manager's pool answered \(reply) for a result")
            }
            outcome = decode(chunks.map(Self.outcome))
            return true
            }
        } catch {
            throw error as! MultiprocessingError
        }
    }

    /// Whether the result is ready, without waiting.
    public func isReady() throws(MultiprocessingError) -> Bool { try wait(timeout: .zero) }

    /// The result, waiting up to `timeout` (`nil`: no limit) for it.
    ///
    /// - Throws: `PoolError.Code.timedOut` when it is not ready in time (call again to keep waiting), the task's
    ///   `PoolError`, or a `MultiprocessingError` when the server cannot be reached.
    public func get(timeout: Duration? = nil) throws -> Value {
        guard try wait(timeout: timeout) else {
            throw PoolError(.timedOut, "the result was not ready within \(timeout!)")
        }
        return try lock.withLock { outcome! }.get()
    }

    /// A chunk's outcome as it travelled (see the server's pool).
    private static func outcome(_ value: ManagedValue) -> Result<[UInt8], PoolError> {
        switch value {
        case .encoded(let bytes): return .success(bytes)
        case .list(let parts) where parts.count == 4:
            let codes: [PoolError.Code] = [.taskFailed, .workerDied, .initializerFailed, .terminated, .closed,
                                           .timedOut, .systemFailure, .invalidArgument]
            let code = codes.first { .string($0.description) == parts[0] } ?? .systemFailure
            var message = "\(parts[1])"
            if case .string(let text) = parts[1] { message = text }
            var remote: String?
            if case .string(let text) = parts[2] { remote = text }
            var index: Int?
            if case .int(let given) = parts[3] { index = given }
            return .failure(PoolError(code, message, index: index, remoteDescription: remote))
        default: return .failure(PoolError(.systemFailure, "a chunk's outcome came as \(value)"))
        }
    }
}
