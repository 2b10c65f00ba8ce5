#if canImport(Glibc)
import Glibc
#endif
import LessonTestSupport
import Multiprocessing
import MultiprocessingTestFunctions
import Testing

/// The start methods the test runner can use itself: `fork` is refused in the multi-threaded runner, so it is
/// tested inside the worker (see `ForkTests`).
let runnerMethods: [StartMethod] = [.spawn, .forkserver]

/// Points children at the worker executable and returns the context for `method`.
func workerContext(_ method: StartMethod) -> Context {
    setExecutable(BuiltExecutables.productsFolder.appending("multiprocessing-test-worker"))
    return getContext(method)
}

/// Leaves no fork server behind after a test.
func finishMethod(_ method: StartMethod) {
    if method == .forkserver { shutdownForkServer() }
}
/// Every Multiprocessing test, one at a time: they share the executable setting, the fork server, the process
/// name counter and the descriptor table.
@Suite(.serialized)
struct MultiprocessingSuite {}

/// Waits until `pid` has died: gone, or a zombie. A grandchild whose parent died is reparented to us when this
/// test process is a child subreaper (the ProcessContainer tests make it one), so its zombie is reaped here.
func diesSoon(_ pid: Int32, timeout: Duration = .seconds(5)) -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        guard let state = ProcessCensus.state(of: pid) else { return true }
        if state == "Z" {
            Subreaper.reapAdoptedZombies()
            return true
        }
        usleep(5_000)
    }
    return false
}

/// A thread that runs `body` once; ``join()`` waits for it.
final class TestThread: @unchecked Sendable {
    private var thread = pthread_t()

    init(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        let result = pthread_create(&thread, nil, { raw in
            Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, box)
        precondition(result == 0, "cannot start a thread")
    }

    func join() {
        pthread_join(thread, nil)
    }

    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}

/// Expects `body` to throw a ``MultiprocessingError`` with `code`.
func expectCode(_ code: MultiprocessingError.Code, sourceLocation: SourceLocation = #_sourceLocation,
                _ body: () throws -> Void) {
    let error = #expect(throws: MultiprocessingError.self, sourceLocation: sourceLocation) { try body() }
    #expect(error?.code == code, "\(String(describing: error))", sourceLocation: sourceLocation)
}
