import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs several lessons, up to ``jobs`` at a time on threads of their own, each lesson's cells in order.
///
/// Each cell is its own child process and ``CellExecutor`` is safe to use from several threads, so lessons run
/// side by side; the results come back in the order of the lessons given, whatever order they finished in.
public struct LessonBatch: Sendable {
    /// What runs each lesson.
    public var execution: LessonExecution
    /// How many lessons run at once, at least 1.
    public var jobs: Int

    public init(execution: LessonExecution = LessonExecution(), jobs: Int = 1) {
        self.execution = execution
        self.jobs = max(1, jobs)
    }

    /// Runs every cell of every lesson; the results are in the order of `lessons`.
    ///
    /// - Parameters:
    ///   - cellIDs: Run only the cells with these ids, in every lesson (nil: all cells).
    ///   - observer: Told about each cell; with more than one job, called from several threads.
    public func run(
        _ lessons: [Lesson], cellIDs: Set<String>? = nil, observer: (any LessonRunObserver & Sendable)? = nil
    ) -> [LessonRunResult] {
        let next = Mutex(0)
        let results = Mutex([LessonRunResult?](repeating: nil, count: lessons.count))
        let execution = self.execution
        WorkerThreads.run(count: min(jobs, lessons.count)) {
            while true {
                let index = next.withLock { value -> Int in
                    defer { value += 1 }
                    return value
                }
                guard index < lessons.count else { return }
                let result = execution.run(lessons[index], cellIDs: cellIDs, observer: observer)
                results.withLock { $0[index] = result }
            }
        }
        return results.withLock { $0.map { $0! } }
    }
}

/// Runs a body on `count` threads and waits for all of them. With a count of 1 the body runs on this thread.
enum WorkerThreads {
    private final class Work: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    static func run(count: Int, _ body: @escaping @Sendable () -> Void) {
        guard count > 1 else {
            if count == 1 { body() }
            return
        }
        var threads: [pthread_t] = []
        for _ in 0..<count {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(Work(body)).toOpaque()
            let status = pthread_create(&thread, nil, { context in
                let work = Unmanaged<Work>.fromOpaque(context!).takeRetainedValue()
                work.body()
                return nil
            }, context)
            if status != 0 {
                // No thread to spare: this thread does the work itself.
                Unmanaged<Work>.fromOpaque(context).release()
                body()
                continue
            }
            threads.append(thread)
        }
        for thread in threads { pthread_join(thread, nil) }
    }
}
