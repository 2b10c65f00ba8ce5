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

/// Runs `body` with this process's stdout and stderr pointed at temporary files; returns what was written to them.
func capturingStandardStreams<T>(_ body: () throws -> T) throws -> (String, String) {
    StandardStreams.flush()
    let saved = (dup(1), dup(2))
    let files = (memfdFile("stdout"), memfdFile("stderr"))
    dup2(files.0, 1)
    dup2(files.1, 2)
    defer {
        dup2(saved.0, 1)
        dup2(saved.1, 2)
        close(saved.0)
        close(saved.1)
        close(files.0)
        close(files.1)
    }
    _ = try body()
    return (contents(files.0), contents(files.1))
}

private func memfdFile(_ name: String) -> Int32 {
    var template = Array("/tmp/multiprocessing-\(name)-XXXXXX".utf8CString)
    let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    precondition(descriptor >= 0, "mkstemp")
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    return descriptor
}

private func contents(_ descriptor: Int32) -> String {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    var offset: off_t = 0
    while true {
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, offset) }
        if count <= 0 { break }
        bytes += buffer[..<count]
        offset += off_t(count)
    }
    return String(decoding: bytes, as: UTF8.self)
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
