// The scenarios of CPython's `_TestBarrier`: the test process is one party, children are the others.
#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing

public struct BarrierParty: Codable, Sendable {
    public var barrier: Barrier
    public var passes: Int
    public var timeoutMilliseconds: Int
}

public enum BarrierScenarios {
    /// Waits `passes` times; returns the indices, or the error code where a wait failed (and stops there).
    public static let pass = ProcessFunction("conformance.barrier.pass") { (party: BarrierParty) -> [String] in
        var results: [String] = []
        for _ in 0..<party.passes {
            do throws(MultiprocessingError) {
                results.append(String(try party.barrier.wait(timeout: .milliseconds(party.timeoutMilliseconds))))
            } catch {
                results.append(error.code.description)
                break
            }
        }
        return results
    }

    /// Waits once and reports the error and how long it took; then, after a broken first wait, waits again.
    public static let waitTwice = ProcessFunction("conformance.barrier.waitTwice") {
        (party: BarrierParty) -> [String] in
        let start = ContinuousClock.now
        let first = errorCode { try party.barrier.wait(timeout: .milliseconds(party.timeoutMilliseconds)) }
        let elapsed = milliseconds(since: start)
        let second = errorCode { try party.barrier.wait(timeout: .seconds(3)) }
        return [first, elapsed < party.timeoutMilliseconds / 2 ? "at once" : "after \(elapsed) ms", second]
    }

    /// Starts `children` parties running `function`, then waits until `waiting` of them wait on the barrier.
    static func startParties(
        _ children: Int, _ function: ProcessFunction<BarrierParty, [String]>, _ party: BarrierParty, _ method: String,
        waiting: Int? = nil
    ) throws -> [Process] {
        let processes = (0..<children).map { _ in
            Process(target: function, arguments: party, daemon: true, context: context(method))
        }
        for process in processes { try process.start() }
        if let waiting {
            let start = ContinuousClock.now
            while party.barrier.waiting < waiting, milliseconds(since: start) < 10_000 { usleep(1_000) }
        }
        return processes
    }

    /// Passes the barrier `passes` times with two children: every pass's indices are 0, 1 and 2.
    static func passes(_ passes: Int, _ method: String) throws -> Observations {
        let party = BarrierParty(barrier: try Barrier(parties: 3), passes: passes, timeoutMilliseconds: 10_000)
        let processes = try startParties(2, pass, party, method)
        let mine = try (0..<passes).map { _ in String(try party.barrier.wait(timeout: .seconds(10))) }
        let theirs = try processes.map { try $0.value(as: [String].self, timeout: .seconds(20)) }
        var wrong = 0
        for index in 0..<passes {
            let indices = Set([mine[index]] + theirs.map { $0.count > index ? $0[index] : "missing" })
            if indices != ["0", "1", "2"] { wrong += 1 }
        }
        return ["passes": "\(passes)", "passes with indices other than 0, 1, 2": "\(wrong)",
                "waiting": "\(party.barrier.waiting)", "broken": "\(party.barrier.isBroken)"]
    }

    // CPython: _TestBarrier.test_barrier (and test_wait_return: each pass returns 0..<parties once)
    public static let barrier = Scenario("conformance.barrier.barrier") { method in try passes(1, method) }

    // CPython: _TestBarrier.test_barrier_10
    public static let barrier10 = Scenario("conformance.barrier.barrier10") { method in try passes(10, method) }

    // CPython: _TestBarrier.test_thousand
    public static let thousand = Scenario("conformance.barrier.thousand") { method in try passes(1000, method) }

    // CPython: _TestBarrier.test_abort
    public static let abort = Scenario("conformance.barrier.abort") { method in
        let party = BarrierParty(barrier: try Barrier(parties: 3), passes: 1, timeoutMilliseconds: 10_000)
        let processes = try startParties(2, pass, party, method, waiting: 2)
        party.barrier.abort()
        let results = try processes.map { try $0.value(as: [String].self, timeout: .seconds(10)).joined() }
        return ["children": results.joined(separator: ","), "broken": "\(party.barrier.isBroken)",
                "wait.after": errorCode { try party.barrier.wait(timeout: .seconds(1)) }]
    }

    // CPython: _TestBarrier.test_reset
    public static let reset = Scenario("conformance.barrier.reset") { method in
        let party = BarrierParty(barrier: try Barrier(parties: 3), passes: 1, timeoutMilliseconds: 1_000)
        let processes = try startParties(2, waitTwice, party, method, waiting: 2)
        party.barrier.reset()
        let mine = errorCode { try party.barrier.wait(timeout: .seconds(3)) }
        let results = try processes.map { try $0.value(as: [String].self, timeout: .seconds(10)) }
        return ["children": results.map { $0.joined(separator: " ") }.joined(separator: ", "), "parent": mine]
    }

    // CPython: _TestBarrier.test_abort_and_reset
    public static let abortAndReset = Scenario("conformance.barrier.abortAndReset") { method in
        let barrier = try Barrier(parties: 2)
        barrier.abort()
        var seen = ["broken.aborted": "\(barrier.isBroken)",
                    "wait.aborted": errorCode { try barrier.wait(timeout: .seconds(1)) }]
        barrier.reset()
        seen["broken.reset"] = "\(barrier.isBroken)"
        let party = BarrierParty(barrier: barrier, passes: 2, timeoutMilliseconds: 10_000)
        let processes = try startParties(1, pass, party, method)
        let mine = try (0..<2).map { _ in String(try barrier.wait(timeout: .seconds(10))) }
        let theirs = try processes[0].value(as: [String].self, timeout: .seconds(10))
        seen["indices"] = zip(mine, theirs).map { Set([$0, $1]) == ["0", "1"] ? "0,1" : "\($0),\($1)" }
            .joined(separator: " ")
        return seen
    }

    // CPython: _TestBarrier.test_timeout
    public static let timeout = Scenario("conformance.barrier.timeout") { method in
        let party = BarrierParty(barrier: try Barrier(parties: 3), passes: 1, timeoutMilliseconds: 10_000)
        let processes = try startParties(1, pass, party, method, waiting: 1)
        let start = ContinuousClock.now
        let mine = errorCode { try party.barrier.wait(timeout: .milliseconds(100)) }
        let elapsed = milliseconds(since: start)
        let theirs = try processes[0].value(as: [String].self, timeout: .seconds(10)).joined()
        return ["parent": mine, "parent.timing": timing(elapsed, expected: 100), "child": theirs,
                "broken": "\(party.barrier.isBroken)"]
    }

    public static let all: [RegisteredFunction] = [
        pass.registration, waitTwice.registration, barrier.registration, barrier10.registration,
        thousand.registration, abort.registration, reset.registration, abortAndReset.registration,
        timeout.registration,
    ]
}
