import Multiprocessing
import MultiprocessingTestFunctions
import Testing

/// CPython runs its whole multiprocessing suite once per start method; these suites do the same for the tests that
/// start processes.
let allMethods: [StartMethod] = [.spawn, .fork, .forkserver]

/// Runs `scenario` with `method` and returns what it observed: here for `spawn` and `forkserver`, and inside a
/// spawned worker for `fork`, which the multi-threaded test runner refuses (see `ForkTests`). A forkserver started
/// here is shut down afterwards.
func observe(_ scenario: Scenario, _ method: StartMethod) throws -> Observations {
    if method == .fork {
        return try scenario.run(method.rawValue, context: workerContext(.spawn))
    }
    _ = workerContext(method)
    defer { finishMethod(method) }
    return try scenario.body(method.rawValue)
}

/// The measured timing that ``Observations`` report when it was as Python's test expects.
let inTime = "in time"
