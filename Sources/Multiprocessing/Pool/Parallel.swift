
/// Runs delayed calls on worker processes and returns their results in input order: joblib's `Parallel`.
///
/// | joblib | Swift |
/// |---|---|
/// | `Parallel(n_jobs=2)(delayed(f)(x) for x in xs)` | `try Parallel(jobs: 2)(xs.map { f.delayed($0) })` |
/// | `n_jobs=-1` | `Parallel()` (``cpuCount()`` workers) |
/// | `batch_size="auto"` | `batchSize: nil` |
/// | `with Parallel(n_jobs=2) as parallel:` (reused workers) | one `Parallel` value, called many times |
///
/// `f` is a registered ``ProcessFunction``. The workers are a ``Pool`` started on the first call and kept for the
/// next ones (as joblib's loky backend keeps its executor); ``shutdown()`` or `deinit` stops them.
///
/// **Batching.** Calls travel in batches of consecutive calls of one function. With `batchSize: nil` the size
/// adapts as joblib's `"auto"`: it starts at 1 and, after each batch, is scaled so that a batch takes about
/// 0.2–2 s of a worker's time (doubling at most per batch, and never so large that fewer than two batches per
/// worker remain).
///
/// A call that throws, or whose worker dies, fails alone: the others complete, then the first failure in input
/// order is thrown with its ``PoolError/index``.
public final class Parallel: Sendable {
    /// The number of worker processes.
    public let jobs: Int
    /// The batch size; `nil` adapts it (joblib's `"auto"`).
    public let batchSize: Int?
    private let context: Context
    private let pool = ForkSafeMutex<Pool?>(nil)

    /// How long a batch should keep a worker busy, at the least and at the most (joblib's figures).
    static let batchDurations: (minimum: Duration, maximum: Duration) = (.milliseconds(200), .seconds(2))

    /// Workers for `jobs` parallel calls (default: ``cpuCount()``).
    ///
    /// - Throws: ``PoolError/Code/invalidArgument`` when `jobs` or `batchSize` is given and not positive.
    public init(jobs: Int? = nil, batchSize: Int? = nil, context: Context = .default) throws(PoolError) {
        try Pool.requirePositive(jobs, "jobs")
        try Pool.requirePositive(batchSize, "batchSize")
        self.jobs = max(1, jobs ?? cpuCount())
        self.batchSize = batchSize
        self.context = context
    }

    deinit {
        shutdown()
    }

    /// Stops the workers; the next call starts new ones.
    public func shutdown() {
        pool.withLock { pool in
            pool?.terminate()
            pool = nil
        }
    }

    private func startedPool() throws(PoolError) -> Pool {
        try pool.withLock { (pool) throws(PoolError) -> Pool in
            if let pool { return pool }
            let started = try Pool(processes: jobs, context: context)
            pool = started
            return started
        }
    }

    /// Runs every call on the workers and returns the results in input order.
    ///
    /// - Throws: The first failure in input order, once every call has finished.
    public func callAsFunction<Result>(_ calls: some Sequence<Delayed<Result>>) throws(PoolError) -> [Result] {
        let calls = Array(calls)
        if calls.isEmpty { return [] }
        let pool = try startedPool()
        let engine = pool.engine
        var results = [Result?](repeating: nil, count: calls.count)
        var failures: [PoolError] = []
        var size = batchSize ?? 1
        var next = 0
        var window: [ChunkResults.Ticket] = []
        try pool.locked { () throws(PoolError) in
            engine.recordDurations = batchSize == nil
            defer { engine.recordDurations = false }
            while true {
                while next < calls.count, window.count < 2 * jobs {
                    var end = min(next + size, calls.count)
                    let function = calls[next].functionName
                    if let other = calls[next..<end].firstIndex(where: { $0.functionName != function }) { end = other }
                    let (bytes, descriptors): ([UInt8], DescriptorBundle?)
                    do {
                        (bytes, descriptors) = try calls[next].encodeArguments(calls[next..<end].map(\.argument))
                    } catch {
                        throw PoolError(.systemFailure, "cannot encode call \(next): \(error)", index: next)
                    }
                    let id = try engine.submit(function: function, arguments: bytes, descriptors: descriptors,
                                               start: next, count: end - next)
                    window.append(ChunkResults.Ticket(id: id, start: next, count: end - next))
                    next = end
                }
                if window.isEmpty { break }
                _ = engine.pump { window.contains { engine.finished[$0.id] != nil } }
                let position = window.firstIndex { engine.finished[$0.id] != nil } ?? 0
                let ticket = window.remove(at: position)
                let finished = engine.finished.removeValue(forKey: ticket.id)
                for (offset, item) in ChunkResults.results(finished, ticket, as: Result.self).enumerated() {
                    switch item {
                    case .success(let value): results[ticket.start + offset] = value
                    case .failure(let error): failures.append(error)
                    }
                }
                if let duration = engine.durations.removeValue(forKey: ticket.id), batchSize == nil {
                    size = Self.adaptedSize(size, took: duration, remaining: calls.count - next, jobs: jobs)
                }
            }
        }
        if let first = failures.min(by: { ($0.index ?? 0) < ($1.index ?? 0) }) { throw first }
        return results.map { $0! }
    }

    /// The next batch size after a batch of `size` took `duration`: scaled towards 0.2–2 s, at most doubled, and
    /// small enough to leave two batches per worker of what `remaining`.
    static func adaptedSize(_ size: Int, took duration: Duration, remaining: Int, jobs: Int) -> Int {
        var ideal = size
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        if duration < batchDurations.minimum {
            ideal = seconds > 0 ? Int(Double(size) * 0.2 / seconds) : size * 2
            ideal = min(max(ideal, size), size * 2)
        } else if duration > batchDurations.maximum {
            ideal = max(1, size / 2)
        }
        return max(1, min(ideal, max(1, remaining / (2 * jobs))))
    }
}
