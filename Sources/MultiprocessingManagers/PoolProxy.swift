import Multiprocessing

/// A process pool held by a ``Manager``'s server, as Python's `manager.Pool(processes)`: its workers are the
/// server's children, and they run functions registered in the server's executable (the same program, started
/// again, so registered with `bootstrap` as any `Pool`'s).
///
/// ```swift
/// let pool = try manager.pool(processes: 2)
/// print(try pool.map(square, 0..<8))            // pool.map(f, range(8))
/// let pending = try pool.applyAsync(square, 7)  // another process may wait too, with its own proxy
/// print(try pending.get(timeout: .seconds(5)))
/// ```
///
/// Items are encoded here and results decoded here: the server only passes bytes to its workers. A task that
/// throws fails with a `PoolError` (`PoolError.Code.taskFailed`, with the item's index), as with a `Pool`;
/// trouble reaching the server is a `MultiprocessingError`.
public struct PoolProxy: TypedProxy {
    /// The untyped proxy underneath.
    public let proxy: ObjectProxy

    /// A typed view of `proxy` (which must refer to an object of the matching kind).
    public init(_ proxy: ObjectProxy) {
        self.proxy = proxy
    }

    /// The number of worker processes.
    public func processes() throws(MultiprocessingError) -> Int {
        try proxy.call("processes").unwrap(as: Int.self)
    }

    /// `function(arguments)` run in a worker, as Python's `pool.apply`.
    ///
    /// - Throws: `PoolError` when the task failed; `MultiprocessingError` when the server cannot be reached.
    public func apply<Arguments, Result>(_ function: ProcessFunction<Arguments, Result>, _ arguments: Arguments)
        throws -> Result {
        try applyAsync(function, arguments).get()
    }

    /// Starts `function(arguments)` and returns at once, as Python's `pool.apply_async`.
    ///
    /// - Throws: `PoolError` (`PoolError.Code.closed`) when the pool takes no more tasks.
    public func applyAsync<Arguments, Result>(_ function: ProcessFunction<Arguments, Result>, _ arguments: Arguments)
        throws -> ManagedAsyncResult<Result> {
        let chunks = try _EncodedChunk.chunks([arguments], size: 1)
        let job = try submit("apply_async", function.name, chunks)
        return ManagedAsyncResult(proxy: proxy, job: job) { outcomes in
            _EncodedChunk.results(outcomes, counts: [1], as: Result.self).map { $0[0] }
        }
    }

    /// `function` applied to every item, in input order, as Python's `pool.map`.
    ///
    /// - Throws: The first failure in input order (a `PoolError` with the item's index), after every item
    ///   finished; `PoolError.Code.invalidArgument` for a `chunksize` below 1.
    public func map<Arguments, Result>(
        _ function: ProcessFunction<Arguments, Result>, _ items: some Sequence<Arguments>, chunksize: Int? = nil
    ) throws -> [Result] {
        try mapAsync(function, items, chunksize: chunksize).get()
    }

    /// Starts ``map(_:_:chunksize:)`` and returns at once, as Python's `pool.map_async`. Without a `chunksize`,
    /// Python's default: about four chunks per worker.
    public func mapAsync<Arguments, Result>(
        _ function: ProcessFunction<Arguments, Result>, _ items: some Sequence<Arguments>, chunksize: Int? = nil
    ) throws -> ManagedAsyncResult<[Result]> {
        if let chunksize, chunksize < 1 {
            throw PoolError(.invalidArgument, "chunksize must be at least 1, not \(chunksize)")
        }
        let all = Array(items)
        var size = chunksize ?? 1
        if chunksize == nil, !all.isEmpty {
            let (quotient, remainder) = all.count.quotientAndRemainder(dividingBy: try processes() * 4)
            size = max(1, quotient + (remainder > 0 ? 1 : 0))
        }
        let chunks = try _EncodedChunk.chunks(all, size: size)
        let counts = chunks.map(\.count)
        let job = try submit("map_async", function.name, chunks)
        return ManagedAsyncResult(proxy: proxy, job: job) { outcomes in
            _EncodedChunk.results(outcomes, counts: counts, as: Result.self)
        }
    }

    /// `function` applied to every pair, as Python's `pool.starmap` for a function of two arguments.
    public func starmap<First, Second, Result>(
        _ function: ProcessFunction<Pair<First, Second>, Result>, _ items: some Sequence<(First, Second)>,
        chunksize: Int? = nil
    ) throws -> [Result] {
        try starmapAsync(function, items, chunksize: chunksize).get()
    }

    /// Starts ``starmap(_:_:chunksize:)`` and returns at once, as Python's `pool.starmap_async`.
    public func starmapAsync<First, Second, Result>(
        _ function: ProcessFunction<Pair<First, Second>, Result>, _ items: some Sequence<(First, Second)>,
        chunksize: Int? = nil
    ) throws -> ManagedAsyncResult<[Result]> {
        try mapAsync(function, items.map { Pair($0.0, $0.1) }, chunksize: chunksize)
    }

    private func submit(_ method: String, _ function: String, _ chunks: [_EncodedChunk]) throws -> Int {
        let wire: [ManagedValue] = chunks.map { .list([.encoded($0.bytes), .int($0.count)]) }
        let reply: ManagedValue
        do throws(MultiprocessingError) {
            reply = try proxy.call(method, arguments: [.string(function), .list(wire)])
        } catch {
            guard error.code == .remoteError, error.remoteDescription?.contains("closed") == true else { throw error }
            throw PoolError(.closed, "the manager's pool is closed and takes no new tasks")
        }
        return try reply.unwrap(as: Int.self)
    }

    /// Takes no more tasks; the workers exit once the submitted ones are done.
    public func close() throws(MultiprocessingError) {
        try proxy.call("close")
    }

    /// Stops the workers now; unfinished tasks fail with `PoolError.Code.terminated`.
    public func terminate() throws(MultiprocessingError) {
        try proxy.call("terminate", arguments: [], waiting: nil)
    }

    /// Waits for every submitted task, then for the workers to exit. Call ``close()`` or ``terminate()`` first.
    ///
    /// - Throws: `MultiprocessingError.Code.remoteError` when the pool is still running.
    public func join() throws(MultiprocessingError) {
        try proxy.call("join", arguments: [], waiting: nil)
    }
}
