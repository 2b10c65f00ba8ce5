#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims

/// A long-lived thread that spawns children on behalf of short-lived ones.
///
/// Linux sends the parent-death signal (`PR_SET_PDEATHSIG`) when the *thread* that started a child exits, not the
/// process. A child started from a pool thread that later retires would be killed with it. The main thread lives
/// as long as the process, so it spawns directly; any other thread hands the spawn to this one, started on first
/// use and never stopped.
enum SpawnerThread {
    private final class Job: @unchecked Sendable {
        let configuration: SpawnConfiguration
        var result: Result<ChildProcess, SpawnError>?

        init(_ configuration: SpawnConfiguration) {
            self.configuration = configuration
        }
    }

    private static let lock = _PthreadLock()
    nonisolated(unsafe) private static var jobs: [Job] = []
    nonisolated(unsafe) private static var started = false

    /// Spawns `configuration` from the main thread or from this long-lived thread.
    static func spawn(_ configuration: SpawnConfiguration) throws(SpawnError) -> ChildProcess {
        if lx_gettid() == getpid() {
            return try ChildProcess.spawn(configuration)
        }
        let job = Job(configuration)
        lock.withLock {
            if !started {
                started = true
                var thread = pthread_t()
                let result = pthread_create(&thread, nil, { _ in SpawnerThread.serve() }, nil)
                precondition(result == 0, "cannot start the spawner thread: \(result)")
                pthread_detach(thread)
            }
            jobs.append(job)
            lock.broadcast()
            while job.result == nil { lock.wait() }
        }
        return try job.result!.get()
    }

    private static func serve() -> Never {
        while true {
            let job = lock.withLock {
                while jobs.isEmpty { lock.wait() }
                return jobs.removeFirst()
            }
            let result = Result { () throws(SpawnError) -> ChildProcess in try ChildProcess.spawn(job.configuration) }
            lock.withLock {
                job.result = result
                lock.broadcast()
            }
        }
    }
}
