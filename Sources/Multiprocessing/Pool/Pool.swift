/// A pool of long-lived worker processes that run registered functions on many inputs, as Python's
/// `multiprocessing.Pool`.
///
/// ```swift
/// let square = ProcessFunction("square") { (x: Int) in x * x + 1 }
/// bootstrap([square.registration])
///
/// try withPool(processes: 4) { pool in                      // with Pool(4) as p:
///     print(try pool.map(square, 0..<8))                    //     print(p.map(f, range(8)))
///     for result in try pool.imap(square, 1...) { ... }     // lazy: an endless input is fine
/// }                                                         // the workers are terminated here
/// ```
///
/// Items travel in chunks (one message per chunk, to amortise its cost); ``map(_:_:chunksize:)`` chooses
/// Python's default, `count / (4 × processes)` rounded up. An item whose function throws fails alone, with its
/// index in ``PoolError/index``. A worker that dies (killed, crashed, exited) fails the chunk it was running at
/// once — its death wakes the pool through the worker's pidfd — with its exit code or signal, and a new worker
/// takes its place; Python's pool waits forever instead (gh-66587). Workers are daemonic children with a parent-death
/// signal: none outlives the pool's process, even when it is killed.
///
/// Results are collected by the calls that wait for them (there is no background thread); calls from several
/// threads are serialised.
public final class Pool: Sendable {
    let engine: PoolEngine
    /// Where the callbacks of asynchronous calls run.
    private let callbacks = PoolCallbacks()
    /// The number of worker processes.
    public let processes: Int

    /// Starts `processes` workers (default: ``cpuCount()``).
    ///
    /// - Parameters:
    ///   - processes: The number of workers (`nil`: ``cpuCount()``).
    ///   - maxTasksPerChild: A worker exits after this many chunks and is replaced (`nil`: never).
    ///   - context: Where the start method of the workers comes from.
    /// - Throws: ``PoolError/Code/invalidArgument`` when `processes` or `maxTasksPerChild` is given and not
    ///   positive, ``PoolError/Code/systemFailure`` when a worker cannot start.
    public convenience init(processes: Int? = nil, maxTasksPerChild: Int? = nil, context: Context = .default)
        throws(PoolError) {
        try self.init(processes: processes, initializerTask: nil, maxTasksPerChild: maxTasksPerChild,
                      context: context)
    }

    /// Starts workers that each run `initializer` first, as Python's `Pool(initializer=f, initargs=…)`.
    ///
    /// A failing initializer breaks the pool: its tasks fail with ``PoolError/Code/initializerFailed``.
    ///
    /// The arguments may hold resources, as Python's `initargs=(lock,)`: a ``Lock``, a ``SharedValue``, a
    /// ``Queue``, … Every worker gets them, those that replace a worker that ended (`maxTasksPerChild`) too; the
    /// pool holds duplicates of their descriptors until it ends. So may a task's arguments, which Python refuses.
    ///
    /// ```swift
    /// let lock = try Lock()
    /// let pool = try Pool(processes: 4, initializer: keepLock.delayed(lock))   // keepLock stores it in a global
    /// ```
    public convenience init<InitializerResult>(
        processes: Int? = nil, initializer: Delayed<InitializerResult>, maxTasksPerChild: Int? = nil,
        context: Context = .default
    ) throws(PoolError) {
        let (arguments, descriptors): ([UInt8], DescriptorBundle?)
        do {
            (arguments, descriptors) = try initializer.encodeArguments([initializer.argument])
        } catch {
            throw PoolError(.systemFailure, "cannot encode the initializer's arguments: \(error)")
        }
        try self.init(processes: processes,
                      initializerTask: PoolTask(id: PoolReply.initializerID, function: initializer.functionName,
                                                arguments: arguments, descriptors: descriptors),
                      maxTasksPerChild: maxTasksPerChild, context: context)
    }

    init(processes: Int?, initializerTask: PoolTask?, maxTasksPerChild: Int?, context: Context) throws(PoolError) {
        try Self.requirePositive(processes, "the number of processes")
        try Self.requirePositive(maxTasksPerChild, "maxTasksPerChild")
        let count = max(1, processes ?? cpuCount())
        self.processes = count
        engine = try PoolEngine(processes: count, initializer: initializerTask, maxTasksPerChild: maxTasksPerChild,
                                context: context)
    }

    deinit {
        terminate()
    }

    /// Checks a count a caller passed: `nil` (the default) or at least 1.
    static func requirePositive(_ value: Int?, _ what: String) throws(PoolError) {
        if let value, value < 1 {
            throw PoolError(.invalidArgument, "\(what) must be at least 1, not \(value)")
        }
    }

    func locked<T>(_ body: () throws(PoolError) -> T) throws(PoolError) -> T {
        do {
            return try engine.lock.withLock { try body() }
        } catch {
            throw error as! PoolError
        }
    }

    /// Python's default chunk size for `count` items: about four chunks per worker.
    func defaultChunksize(_ count: Int) -> Int {
        let (quotient, remainder) = count.quotientAndRemainder(dividingBy: processes * 4)
        return max(1, quotient + (remainder > 0 ? 1 : 0))
    }

    /// The process IDs of the live workers (they change as workers die or reach `maxTasksPerChild`).
    public var workerIDs: [ProcessID] {
        engine.lock.withLock { engine.workers.compactMap { $0?.process.pid } }
    }

    // MARK: Blocking calls

    /// `function` applied to every item, in input order, as Python's `Pool.map`.
    ///
    /// - Throws: The first failure in input order (``PoolError/Code/taskFailed`` or ``PoolError/Code/workerDied``,
    ///   with the item's ``PoolError/index``), after every other item finished; ``PoolError/Code/closed``.
    public func map<Arguments, Result>(
        _ function: ProcessFunction<Arguments, Result>, _ items: some Sequence<Arguments>, chunksize: Int? = nil
    ) throws(PoolError) -> [Result] {
        try mapAsync(function, items, chunksize: chunksize).get()
    }

    /// `function` applied to every pair, Python's `Pool.starmap` for a function of two arguments.
    public func starmap<First, Second, Result>(
        _ function: ProcessFunction<Pair<First, Second>, Result>, _ items: some Sequence<(First, Second)>,
        chunksize: Int? = nil
    ) throws(PoolError) -> [Result] {
        try map(function, items.map { Pair($0.0, $0.1) }, chunksize: chunksize)
    }

    /// Starts ``starmap(_:_:chunksize:)`` and returns at once, as Python's `Pool.starmap_async`.
    public func starmapAsync<First, Second, Result>(
        _ function: ProcessFunction<Pair<First, Second>, Result>, _ items: some Sequence<(First, Second)>,
        chunksize: Int? = nil, callback: (@Sendable ([Result]) -> Void)? = nil,
        errorCallback: (@Sendable (PoolError) -> Void)? = nil
    ) throws(PoolError) -> AsyncResult<[Result]> {
        try mapAsync(
            function, items.map { Pair($0.0, $0.1) }, chunksize: chunksize, callback: callback,
            errorCallback: errorCallback)
    }

    /// `function(arguments)` run in a worker, as Python's `Pool.apply`.
    public func apply<Arguments, Result>(_ function: ProcessFunction<Arguments, Result>, _ arguments: Arguments)
        throws(PoolError) -> Result {
        try applyAsync(function, arguments).get()
    }

    // MARK: Asynchronous calls

    /// Starts `function(arguments)` and returns at once; ``AsyncResult/get(timeout:)`` waits for the result.
    ///
    /// - Parameters:
    ///   - function: A function registered in the workers' executable.
    ///   - arguments: Its arguments.
    ///   - callback: Called with the result once it is ready, as Python's `callback=`: on the pool's callback
    ///     thread, one callback at a time in the order of the calls, before ``join()`` returns. Keep it short.
    ///   - errorCallback: Called instead with the failure, as Python's `error_callback=`.
    public func applyAsync<Arguments, Result>(
        _ function: ProcessFunction<Arguments, Result>, _ arguments: Arguments,
        callback: (@Sendable (Result) -> Void)? = nil, errorCallback: (@Sendable (PoolError) -> Void)? = nil
    ) throws(PoolError) -> AsyncResult<Result> {
        let tickets = try locked { () throws(PoolError) in
            try ChunkResults.submit(function, [arguments], size: 1, to: engine)
        }
        let result = AsyncResult(engine: engine, tickets: tickets) { finished, tickets in
            ChunkResults.results(finished[0], tickets[0], as: Result.self)[0]
        }
        schedule(result, callback: callback, errorCallback: errorCallback)
        return result
    }

    /// Runs `callback` or `errorCallback` on the callback thread once `result` is ready.
    private func schedule<Value>(
        _ result: AsyncResult<Value>, callback: (@Sendable (Value) -> Void)?,
        errorCallback: (@Sendable (PoolError) -> Void)?
    ) {
        guard callback != nil || errorCallback != nil else { return }
        callbacks.add {
            do throws(PoolError) {
                let value = try result.get()
                callback?(value)
            } catch {
                errorCallback?(error)
            }
        }
    }

    /// Starts ``map(_:_:chunksize:)`` and returns at once, as Python's `Pool.map_async`; `callback` and
    /// `errorCallback` as for ``applyAsync(_:_:callback:errorCallback:)``.
    ///
    /// - Throws: ``PoolError/Code/invalidArgument`` for a `chunksize` that is not positive,
    ///   ``PoolError/Code/closed``.
    public func mapAsync<Arguments, Result>(
        _ function: ProcessFunction<Arguments, Result>, _ items: some Sequence<Arguments>, chunksize: Int? = nil,
        callback: (@Sendable ([Result]) -> Void)? = nil, errorCallback: (@Sendable (PoolError) -> Void)? = nil
    ) throws(PoolError) -> AsyncResult<[Result]> {
        try Self.requirePositive(chunksize, "chunksize")
        let all = Array(items)
        let size = chunksize ?? defaultChunksize(all.count)
        let tickets = try locked { () throws(PoolError) in
            try ChunkResults.submit(function, all, size: size, to: engine)
        }
        let result = AsyncResult(engine: engine, tickets: tickets) { finished, tickets in
            var results: [Result] = []
            results.reserveCapacity(tickets.reduce(0) { $0 + $1.count })
            var firstFailure: PoolError?
            for (chunk, ticket) in zip(finished, tickets) {
                // The common case, a chunk where nothing threw, without a `Result` per item.
                if case .outcome(let bytes)? = chunk,
                   let values = try? ChunkOutcome<Result>.plainValues(bytes), values.count == ticket.count {
                    results.append(contentsOf: values)
                    continue
                }
                for item in ChunkResults.results(chunk, ticket, as: Result.self) {
                    switch item {
                    case .success(let value): results.append(value)
                    case .failure(let error): firstFailure = firstFailure ?? error
                    }
                }
            }
            return firstFailure.map { .failure($0) } ?? .success(results)
        }
        schedule(result, callback: callback, errorCallback: errorCallback)
        return result
    }

    // MARK: Lazy iteration

    /// Results in input order, computed as they are iterated, as Python's `Pool.imap`: at most two chunks per
    /// worker are in flight, so `items` may be endless. Each element is the item's result or its failure.
    ///
    /// - Throws: ``PoolError/Code/invalidArgument`` for a `chunksize` that is not positive.
    public func imap<Items: Sequence, Result>(
        _ function: ProcessFunction<Items.Element, Result>, _ items: Items, chunksize: Int = 1
    ) throws(PoolError) -> PoolResults<Items.Iterator, Result> where Items.Element: Codable & Sendable {
        try Self.requirePositive(chunksize, "chunksize")
        return PoolResults(pool: self, function: function, input: items.makeIterator(), chunksize: chunksize,
                           ordered: true)
    }

    /// As ``imap(_:_:chunksize:)``, in the order the results arrive (Python's `imap_unordered`).
    ///
    /// - Throws: ``PoolError/Code/invalidArgument`` for a `chunksize` that is not positive.
    public func imapUnordered<Items: Sequence, Result>(
        _ function: ProcessFunction<Items.Element, Result>, _ items: Items, chunksize: Int = 1
    ) throws(PoolError) -> PoolResults<Items.Iterator, Result> where Items.Element: Codable & Sendable {
        try Self.requirePositive(chunksize, "chunksize")
        return PoolResults(pool: self, function: function, input: items.makeIterator(), chunksize: chunksize,
                           ordered: false)
    }

    // MARK: Ending

    /// Takes no more tasks; the workers exit once the submitted ones are done (see ``join()``).
    public func close() {
        engine.lock.withLock {
            if engine.state == .running { engine.state = .closed }
        }
    }

    /// Waits for every submitted task, then for the workers to exit, then for the callbacks of asynchronous calls
    /// to have run. Call ``close()`` or ``terminate()`` first.
    ///
    /// - Throws: ``PoolError/Code/closed`` when the pool is still running.
    public func join() throws(PoolError) {
        try locked { () throws(PoolError) in
            guard engine.state != .running else {
                throw PoolError(.closed, "join() needs close() or terminate() first")
            }
            _ = engine.pump { !engine.isBusy }
            engine.joinWorkers()
        }
        callbacks.drain()
    }

    /// Stops the workers now: `SIGTERM`, then `SIGKILL` for one still alive after 100 ms; unfinished tasks fail
    /// with ``PoolError/Code/terminated``. Never waits for a task. Called by `deinit` and at the end of
    /// ``withPool(processes:maxTasksPerChild:context:_:)``.
    public func terminate() {
        engine.lock.withLock { engine.terminate() }
    }
}

/// Runs `body` with a new pool and terminates its workers afterwards, even when `body` throws: Python's
/// `with Pool(processes) as pool:`.
///
/// - Throws: What starting the pool throws (a ``PoolError``), or what `body` throws.
public func withPool<Result>(
    processes: Int? = nil, maxTasksPerChild: Int? = nil, context: Context = .default,
    _ body: (Pool) throws -> Result
) throws -> Result {
    let pool = try Pool(processes: processes, maxTasksPerChild: maxTasksPerChild, context: context)
    defer { pool.terminate() }
    return try body(pool)
}
