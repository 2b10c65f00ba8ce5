// What the conformance scenarios share. A scenario is the body of one CPython test: it runs in the test runner for
// `spawn` and `forkserver`, and inside a freshly spawned (single-threaded) worker for `fork`, which the
// multi-threaded runner refuses. It returns what it observed; the test compares that with what Python does.
#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing

/// What a scenario observed, by name.
public typealias Observations = [String: String]

/// A conformance scenario: takes the start method's name, returns what it observed.
public typealias Scenario = ProcessFunction<String, Observations>

/// The context of the start method named `method`.
func context(_ method: String) -> Context {
    getContext(StartMethod(rawValue: method)!)
}

/// Milliseconds since `start`.
func milliseconds(since start: ContinuousClock.Instant) -> Int {
    let elapsed = ContinuousClock.now - start
    return Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
}

/// "in time" when `elapsed` lies in [expected - 10 ms, expected + slack]: CPython's `assertTimingAlmostEqual`, with
/// room for a loaded machine.
func timing(_ elapsed: Int, expected: Int, slack: Int = 1_500) -> String {
    elapsed >= expected - 10 && elapsed <= expected + slack ? "in time" : "took \(elapsed) ms, expected \(expected)"
}

/// The code of the error `body` throws, or "no error".
func errorCode(_ body: () throws -> Void) -> String {
    do {
        try body()
        return "no error"
    } catch let error as MultiprocessingError {
        return error.code.description
    } catch let error as PoolError {
        return error.code.description
    } catch {
        return "\(error)"
    }
}

/// Starts `process` and returns its exit code once it ended (or "running" after 10 s).
func exitCode(of process: Process) throws -> String {
    guard try process.join(timeout: .seconds(10)) else {
        try? process.kill()
        _ = try? process.join(timeout: .seconds(5))
        return "running"
    }
    return process.exitCode.map(String.init) ?? "nil"
}

/// "nil" or the value.
func describe<T>(_ value: T?) -> String {
    value.map { "\($0)" } ?? "nil"
}

/// Every function the conformance scenarios register: their own bodies and what their children run.
public enum ConformanceFunctions {
    public static let all: [RegisteredFunction] = ProcessScenarios.all + QueueScenarios.all
        + SynchronizationScenarios.all + BarrierScenarios.all + SharedScenarios.all + PoolScenarios.all
        + ConnectionScenarios.all + ManagerScenarios.all
        + ManagerSynchronizationScenarios.all + ManagerPoolScenarios.all
}
