#if canImport(Glibc)
import Glibc
#endif

/// Runs the callbacks of a pool's asynchronous calls (``Pool/applyAsync(_:_:callback:errorCallback:)`` and the
/// others), one at a time and in the order the calls were made, on a thread of its own, as Python's result-handler
/// thread does. The thread lives while callbacks are pending and exits when none is; ``Pool/join()`` waits until
/// every callback has run.
///
/// A callback should return quickly, as in Python: while it runs, the next one waits.
final class PoolCallbacks: @unchecked Sendable {  // Every member is used under `lock`.
    private let lock = _PthreadLock()
    private var pending: [@Sendable () -> Void] = []
    private var threadRunning = false
    private var running = false

    /// Runs `job` after the jobs added before it.
    func add(_ job: @escaping @Sendable () -> Void) {
        lock.withLock {
            pending.append(job)
            if !threadRunning {
                threadRunning = true
                var thread = pthread_t()
                let box = Unmanaged.passRetained(self).toOpaque()
                let result = pthread_create(&thread, nil, { argument in
                    Unmanaged<PoolCallbacks>.fromOpaque(argument!).takeRetainedValue().serve()
                    return nil
                }, box)
                if result == 0 {
                    pthread_detach(thread)
                } else {
                    // No thread: run the callbacks where they are waited for instead (see `drain`).
                    Unmanaged<PoolCallbacks>.fromOpaque(box).release()
                    threadRunning = false
                }
            }
            lock.broadcast()
        }
    }

    /// Waits until every job added so far has run; runs them here if no thread could be started.
    func drain() {
        while let job: @Sendable () -> Void = lock.withLock({
            while threadRunning && (!pending.isEmpty || running) { lock.wait() }
            return pending.isEmpty ? nil : pending.removeFirst()
        }) {
            job()
        }
    }

    private func serve() {
        while true {
            let job: (@Sendable () -> Void)? = lock.withLock {
                running = false
                lock.broadcast()
                guard !pending.isEmpty else {
                    threadRunning = false
                    return nil
                }
                running = true
                return pending.removeFirst()
            }
            guard let job else { return }
            job()
        }
    }
}
