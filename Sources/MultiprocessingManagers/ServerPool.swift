#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing

/// A process pool on the server, as Python's `manager.Pool(processes)`: its workers are the server's children
/// (started with ``context``) and run functions registered in the server's executable, by name.
///
/// The server cannot know a function's types, so clients send their items already encoded in chunks and get the
/// chunks' outcomes back to decode (``PoolProxy``). A submitted call is a job; `get` hands its outcomes over
/// once, waiting up to a timeout. Submitting and waiting run without the server's lock, so other clients go on
/// meanwhile; a waiter whose client hangs up stops waiting and its job is dropped.
///
/// A client could make the server start any number of processes: every pool of a server together runs at most
/// ``maximumWorkers`` workers, and a terminated (or joined) pool gives its share back.
final class ServerPool: ServerObject {
    var typeid: String { "Pool" }
    private let pool: Pool
    private weak var server: ManagerServer?
    /// The chunk IDs of each job not handed over yet.
    private var jobs: [Int: [Int]] = [:]
    private var nextJob = 1
    /// The chunks of jobs whose client hung up while it waited: their outcomes are forgotten once they come.
    private var abandoned: [Int] = []
    /// Whether the pool's workers still count against ``maximumWorkers``.
    private var holdsWorkers = true

    /// The most workers the pools of one server run together.
    static let maximumWorkers = 64

    /// The server's start method, except `fork`, which a process with a thread per client must not use: `spawn`
    /// then.
    static var context: Context {
        getStartMethod() == .fork ? getContext(.spawn) : getContext(getStartMethod())
    }

    /// `arguments`: the number of processes (`None`: the number of CPUs).
    init(_ arguments: [ManagedValue], server: ManagerServer) throws {
        let processes = try arguments.integer(0, "Pool", default: cpuCount())
        guard processes >= 1 else { throw ServerMethodError("ValueError: Number of processes must be at least 1") }
        guard processes <= Self.maximumWorkers - server.poolWorkers else {
            throw ServerMethodError("ValueError: this manager's pools run at most \(Self.maximumWorkers) workers "
                + "together; \(server.poolWorkers) run already, \(processes) more asked for")
        }
        server.poolWorkers += processes
        do {
            // Starting processes takes a while: other clients go on meanwhile.
            pool = try server.monitor.unlocked { try Pool(processes: processes, context: Self.context) }
        } catch {
            server.poolWorkers -= processes
            throw ServerMethodError("OSError: \(error)")
        }
        self.server = server
    }

    func call(_ method: String, _ arguments: [ManagedValue], monitor: ServerMonitor) throws -> ManagedValue {
        forgetAbandoned(monitor)
        switch method {
        case "apply_async", "map_async":
            guard case .string(let function) = try arguments.argument(0, method),
                  case .list(let given) = try arguments.argument(1, method) else {
                throw ServerMethodError("TypeError: \(method) takes a function's name and a list of chunks")
            }
            let chunks = try given.map { chunk in
                guard case .list(let parts) = chunk, parts.count == 2, case .encoded(let bytes) = parts[0],
                      case .int(let count) = parts[1], count >= 1 else {
                    throw ServerMethodError("TypeError: a chunk is its encoded items and their count")
                }
                return _EncodedChunk(bytes: bytes, count: count)
            }
            let ids = try monitor.unlocked { () throws in
                do throws(PoolError) {
                    return try pool._submit(function: function, chunks: chunks)
                } catch {
                    throw ServerMethodError("ValueError: \(error)")
                }
            }
            let job = nextJob
            nextJob += 1
            jobs[job] = ids
            return .int(job)
        case "get":
            guard case .int(let job) = try arguments.argument(0, method), let ids = jobs[job] else {
                throw ServerMethodError("KeyError: no such job (its result was handed over already)")
            }
            return try collect(job, ids, timeout: try arguments.timeout(1), monitor: monitor)
        case "processes": return .int(pool.processes)
        case "close":
            pool.close()
            return .none
        case "terminate":
            monitor.unlocked { pool.terminate() }
            releaseWorkers()
            return .none
        case "join":
            try monitor.unlocked { () throws in
                do throws(PoolError) { try pool.join() } catch { throw ServerMethodError("ValueError: \(error)") }
            }
            releaseWorkers()
            return .none
        case "__repr__": return .string("<multiprocessing.pool.Pool state=\(pool._isRunning ? "RUN" : "CLOSE") "
            + "pool_size=\(pool.processes) jobs=\(jobs.count) abandoned=\(abandoned.count)>")
        default: throw ServerMethodError.noMethod(typeid, method)
        }
    }

    /// Waits for job `job`'s chunks `ids` in slices, without the server's lock, checking between slices that the
    /// client is still there; hands the outcomes over (and forgets the job).
    private func collect(_ job: Int, _ ids: [Int], timeout: Duration?, monitor: ServerMonitor) throws -> ManagedValue {
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now.advanced(by: $0) }
        while true {
            // Another client's `get` of the same job took its outcomes.
            guard jobs[job] != nil else { throw ServerMethodError("KeyError: the job's result was handed over") }
            var slice = ServerMonitor.hangUpCheckInterval
            if let deadline { slice = max(.zero, min(slice, clock.now.duration(to: deadline))) }
            let outcomes = monitor.unlocked { () -> [Result<[UInt8], PoolError>]? in
                let start = clock.now
                if let outcomes = pool._outcomes(ids, timeout: slice) { return outcomes }
                // The pool gives up at once when it has nothing to wait for (another thread is taking these
                // outcomes): sleep out the slice rather than spin.
                let rest = slice - start.duration(to: clock.now)
                if rest > .zero { usleep(UInt32(rest.components.attoseconds / 1_000_000_000_000)) }
                return nil
            }
            if let outcomes {
                jobs[job] = nil
                return .list(outcomes.map(Self.wire))
            }
            if let deadline, clock.now >= deadline { throw ServerMethodError("TimeoutError") }
            if monitor.clientHasLeft {
                jobs[job] = nil
                abandoned += ids
                throw clientLeftError
            }
        }
    }

    /// A chunk's outcome as it travels: its encoded results, or the failure's code, message, task's error and index.
    static func wire(_ outcome: Result<[UInt8], PoolError>) -> ManagedValue {
        switch outcome {
        case .success(let bytes): return .encoded(bytes)
        case .failure(let error):
            var message = error.message
            if let status = error.status { message += " (\(status))" }
            return .list([.string(error.code.description), .string(message),
                          error.remoteDescription.map { .string($0) } ?? .none, error.index.map { .int($0) } ?? .none])
        }
    }

    /// Forgets the outcomes of abandoned chunks that finished, without the server's lock.
    private func forgetAbandoned(_ monitor: ServerMonitor) {
        guard !abandoned.isEmpty else { return }
        let pending = abandoned
        abandoned = []
        abandoned += monitor.unlocked { pool._discard(pending) }
    }

    private func releaseWorkers() {
        guard holdsWorkers else { return }
        holdsWorkers = false
        server?.poolWorkers -= pool.processes
    }

    /// Stops the workers: the server is ending.
    func terminate() {
        pool.terminate()
        releaseWorkers()
    }
}
