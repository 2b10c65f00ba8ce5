// The manager variants of CPython's `_TestLock`, `_TestSemaphore`, `_TestCondition`, `_TestBarrier`,
// `_TestQueue.test_task_done` and `TestSyncManagerTypes.test_array`: the objects are a manager's proxies, the
// manager's server is started with the scenario's start method, and the other parties are child processes.
#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing
import MultiprocessingManagers

public struct ManagerConditionWaiter: Codable, Sendable {
    public var condition: ConditionProxy
    public var sleeping: SemaphoreProxy
    public var woken: SemaphoreProxy
}

public struct ManagerConditionState: Codable, Sendable {
    public var condition: ConditionProxy
    public var state: ValueProxy<Int>
}

public struct ManagerBarrierParty: Codable, Sendable {
    public var barrier: BarrierProxy
    public var passes: Int
    public var timeoutMilliseconds: Int
}

public struct ManagerTaskQueues: Codable, Sendable {
    public var tasks: JoinableQueueProxy<Int>
    public var results: QueueProxy<Int>
}

public enum ManagerSynchronizationScenarios {
    // MARK: Semaphores

    /// CPython's `_test_semaphore`, for a semaphore of 2: the value and each call's result, in turn.
    static func semaphoreSteps(_ semaphore: SemaphoreProxy) throws -> String {
        var steps = ["\(try semaphore.value())"]
        steps.append("\(try semaphore.acquire())")
        steps.append("\(try semaphore.value())")
        steps.append("\(try semaphore.acquire())")
        steps.append("\(try semaphore.value())")
        steps.append("\(try semaphore.acquire(blocking: false))")
        steps.append("\(try semaphore.value())")
        try semaphore.release()
        steps.append("\(try semaphore.value())")
        try semaphore.release()
        steps.append("\(try semaphore.value())")
        return steps.joined(separator: " ")
    }

    // CPython: _TestSemaphore.test_semaphore
    public static let semaphore = Scenario("conformance.manager.semaphore") { method in
        try withManager(context: context(method)) { manager in
            let semaphore = try manager.semaphore(2)
            var seen = ["steps": try semaphoreSteps(semaphore)]
            try semaphore.release()
            seen["release.3"] = "\(try semaphore.value())"
            try semaphore.release()
            seen["release.4"] = "\(try semaphore.value())"
            return seen
        }
    }

    // CPython: _TestSemaphore.test_bounded_semaphore (and the release above the bound that it leaves commented out)
    public static let boundedSemaphore = Scenario("conformance.manager.boundedSemaphore") { method in
        try withManager(context: context(method)) { manager in
            let semaphore = try manager.boundedSemaphore(2)
            return ["steps": try semaphoreSteps(semaphore), "release.3": errorCode { try semaphore.release() },
                    "value": "\(try semaphore.value())"]
        }
    }

    // MARK: Locks

    // CPython: _TestLock.test_lock
    public static let lock = Scenario("conformance.manager.lock") { method in
        try withManager(context: context(method)) { manager in
            let lock = try manager.lock()
            return ["acquire": "\(try lock.acquire())", "acquire(False)": "\(try lock.acquire(blocking: false))",
                    "release": errorCode { try lock.release() }, "release.again": errorCode { try lock.release() }]
        }
    }

    // CPython: _TestLock.test_lock_context
    public static let lockContext = Scenario("conformance.manager.lockContext") { method in
        try withManager(context: context(method)) { manager in
            let lock = try manager.lock()
            return ["with": errorCode { try lock.withLock {} }, "locked after": "\(try !lock.acquire(blocking: false))"]
        }
    }

    // CPython: _TestLock.test_rlock
    public static let rLock = Scenario("conformance.manager.rlock") { method in
        try withManager(context: context(method)) { manager in
            let lock = try manager.rLock()
            let acquired = try (0..<3).map { _ in "\(try lock.acquire())" }
            let released = (0..<3).map { _ in errorCode { try lock.release() } }
            return ["acquire": acquired.joined(separator: ","), "release": released.joined(separator: ","),
                    "release.again": errorCode { try lock.release() }]
        }
    }

    // MARK: Conditions

    /// CPython's `_TestCondition.f`: takes the lock, says it sleeps, waits (10 s at most), says it woke.
    public static let waitOnCondition = ProcessFunction("conformance.manager.condition.f") {
        (waiter: ManagerConditionWaiter) -> Bool in
        try waiter.condition.acquire()
        try waiter.sleeping.release()
        let notified = try waiter.condition.wait(timeout: .seconds(10))
        try waiter.woken.release()
        try waiter.condition.release()
        return notified
    }

    /// CPython's `_test_waitfor_f`: sets the state to 0, notifies, and waits for it to become 4.
    public static let waitForStates = ProcessFunction("conformance.manager.condition.waitFor") {
        (arguments: ManagerConditionState) -> Bool in
        try arguments.condition.withLock {
            try arguments.state.set(0)
            try arguments.condition.notify()
            let result = try arguments.condition.wait(for: { try arguments.state.get() == 4 }, timeout: .seconds(10))
            return try result && arguments.state.get() == 4
        }
    }

    /// A condition, and the two semaphores of CPython's waiters, on a manager.
    static func waiter(_ manager: Manager) throws -> ManagerConditionWaiter {
        ManagerConditionWaiter(condition: try manager.condition(), sleeping: try manager.semaphore(0),
                               woken: try manager.semaphore(0))
    }

    /// Starts `count` waiters and waits until each sleeps on the condition.
    static func startWaiters(_ count: Int, _ waiter: ManagerConditionWaiter, _ method: String) throws -> [Process] {
        let processes = (0..<count).map { _ in
            Process(target: waitOnCondition, arguments: waiter, daemon: true, context: context(method))
        }
        for process in processes { try process.start() }
        for _ in processes { try waiter.sleeping.acquire(timeout: .seconds(10)) }
        return processes
    }

    /// How many waiters woke: `expected` of them within 5 s each, and any more within 50 ms; takes their permits.
    static func woken(_ waiter: ManagerConditionWaiter, expected: Int) throws -> Int {
        var count = 0
        for _ in 0..<expected where try waiter.woken.acquire(timeout: .seconds(5)) { count += 1 }
        usleep(50_000)
        while try waiter.woken.acquire(blocking: false) { count += 1 }
        return count
    }

    // CPython: _TestCondition.test_notify
    public static let notify = Scenario("conformance.manager.condition.notify") { method in
        try withManager(context: context(method)) { manager in
            let waiter = try waiter(manager)
            let processes = try startWaiters(2, waiter, method)
            usleep(50_000)
            var seen = ["woken.before": "\(try waiter.woken.value())"]
            try waiter.condition.withLock { try waiter.condition.notify() }
            seen["woken.first"] = "\(try woken(waiter, expected: 1))"
            try waiter.condition.withLock { try waiter.condition.notify() }
            seen["woken.second"] = "\(try woken(waiter, expected: 1))"
            seen["notified"] = try processes.map { String(try $0.value(as: Bool.self, timeout: .seconds(10))) }
                .joined(separator: ",")
            return seen
        }
    }

    // CPython: _TestCondition.test_notify_all
    public static let notifyAll = Scenario("conformance.manager.condition.notifyAll") { method in
        try withManager(context: context(method)) { manager in
            let waiter = try waiter(manager)
            let processes = try startWaiters(3, waiter, method)
            usleep(50_000)
            var seen = ["woken.before": "\(try waiter.woken.value())"]
            try waiter.condition.withLock { try waiter.condition.notifyAll() }
            seen["woken"] = "\(try woken(waiter, expected: 3))"
            seen["exitCodes"] = try processes.map { try exitCode(of: $0) }.joined(separator: ",")
            return seen
        }
    }

    // CPython: _TestCondition.test_notify_n
    public static let notifyN = Scenario("conformance.manager.condition.notifyN") { method in
        try withManager(context: context(method)) { manager in
            let waiter = try waiter(manager)
            let processes = try startWaiters(3, waiter, method)
            usleep(50_000)
            var seen = ["woken.before": "\(try waiter.woken.value())"]
            try waiter.condition.withLock { try waiter.condition.notify(2) }
            seen["woken.two"] = "\(try woken(waiter, expected: 2))"
            try waiter.condition.withLock { try waiter.condition.notify(4) }
            seen["woken.rest"] = "\(try woken(waiter, expected: 1))"
            try waiter.condition.withLock { try waiter.condition.notify(3) }
            seen["woken.none"] = "\(try woken(waiter, expected: 0))"
            seen["exitCodes"] = try processes.map { try exitCode(of: $0) }.joined(separator: ",")
            return seen
        }
    }

    // CPython: _TestCondition.test_timeout
    public static let conditionTimeout = Scenario("conformance.manager.condition.timeout") { method in
        try withManager(context: context(method)) { manager in
            let condition = try manager.condition()
            let start = ContinuousClock.now
            let notified = try condition.withLock { try condition.wait(timeout: .milliseconds(100)) }
            return ["wait": "\(notified)", "timing": timing(milliseconds(since: start), expected: 100)]
        }
    }

    // CPython: _TestCondition.test_waitfor
    public static let waitFor = Scenario("conformance.manager.condition.waitFor.scenario") { method in
        try withManager(context: context(method)) { manager in
            let arguments = ManagerConditionState(condition: try manager.condition(), state: try manager.value(-1))
            let process = Process(target: waitForStates, arguments: arguments, daemon: true,
                                  context: context(method))
            try process.start()
            var seen = Observations()
            try arguments.condition.withLock {
                let zero = try arguments.condition.wait(for: { try arguments.state.get() == 0 },
                                                        timeout: .seconds(10))
                seen["wait.zero"] = "\(zero)"
            }
            for _ in 0..<4 {
                usleep(10_000)
                try arguments.condition.withLock {
                    try arguments.state.set(try arguments.state.get() + 1)
                    try arguments.condition.notify()
                }
            }
            seen["child"] = "\(try process.value(as: Bool.self, timeout: .seconds(20)))"
            seen["exitCode"] = describe(process.exitCode)
            return seen
        }
    }

    // CPython: _TestCondition.test_waitfor_timeout
    public static let waitForTimeout = Scenario("conformance.manager.condition.waitForTimeout") { method in
        try withManager(context: context(method)) { manager in
            let condition = try manager.condition()
            let start = ContinuousClock.now
            let result = try condition.withLock { try condition.wait(for: { false }, timeout: .milliseconds(100)) }
            return ["result": "\(result)", "timing": timing(milliseconds(since: start), expected: 100)]
        }
    }

    // MARK: Barriers

    /// Waits `passes` times; returns the indices, or the error code where a wait failed (and stops there).
    public static let pass = ProcessFunction("conformance.manager.barrier.pass") {
        (party: ManagerBarrierParty) -> [String] in
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
    public static let waitTwice = ProcessFunction("conformance.manager.barrier.waitTwice") {
        (party: ManagerBarrierParty) -> [String] in
        let start = ContinuousClock.now
        let first = errorCode { try party.barrier.wait(timeout: .milliseconds(party.timeoutMilliseconds)) }
        let elapsed = milliseconds(since: start)
        let second = errorCode { try party.barrier.wait(timeout: .seconds(3)) }
        return [first, elapsed < party.timeoutMilliseconds / 2 ? "at once" : "after \(elapsed) ms", second]
    }

    /// CPython's `_test_default_timeout_f`: passes once; the party with index 1 then sleeps past the barrier's
    /// default timeout; every party's second wait (with the default timeout) finds the barrier broken.
    public static let defaultTimeoutParty = ProcessFunction("conformance.manager.barrier.defaultTimeout") {
        (party: ManagerBarrierParty) -> String in
        let index = try party.barrier.wait(timeout: .seconds(10))
        if index == 1 { usleep(1_000_000) }
        return errorCode { try party.barrier.wait() }
    }

    /// Starts `children` parties running `function`, then waits until `waiting` of them wait on the barrier.
    static func startParties<Result>(
        _ children: Int, _ function: ProcessFunction<ManagerBarrierParty, Result>, _ party: ManagerBarrierParty,
        _ method: String, waiting: Int? = nil
    ) throws -> [Process] {
        let processes = (0..<children).map { _ in
            Process(target: function, arguments: party, daemon: true, context: context(method))
        }
        for process in processes { try process.start() }
        if let waiting {
            let start = ContinuousClock.now
            while try party.barrier.waiting() < waiting, milliseconds(since: start) < 10_000 { usleep(1_000) }
        }
        return processes
    }

    /// Passes the barrier `passes` times with two children: every pass's indices are 0, 1 and 2.
    static func passes(_ passes: Int, _ method: String) throws -> Observations {
        try withManager(context: context(method)) { manager in
            let party = ManagerBarrierParty(barrier: try manager.barrier(parties: 3), passes: passes,
                                            timeoutMilliseconds: 10_000)
            let processes = try startParties(2, pass, party, method)
            let mine = try (0..<passes).map { _ in String(try party.barrier.wait(timeout: .seconds(10))) }
            let theirs = try processes.map { try $0.value(as: [String].self, timeout: .seconds(20)) }
            var wrong = 0
            for index in 0..<passes {
                let indices = Set([mine[index]] + theirs.map { $0.count > index ? $0[index] : "missing" })
                if indices != ["0", "1", "2"] { wrong += 1 }
            }
            return ["passes": "\(passes)", "passes with indices other than 0, 1, 2": "\(wrong)",
                    "waiting": "\(try party.barrier.waiting())", "broken": "\(try party.barrier.isBroken())"]
        }
    }

    // CPython: _TestBarrier.test_barrier (and test_wait_return: each pass returns 0..<parties once)
    public static let barrier = Scenario("conformance.manager.barrier.barrier") { method in try passes(1, method) }

    // CPython: _TestBarrier.test_barrier_10
    public static let barrier10 = Scenario("conformance.manager.barrier.barrier10") { method in
        try passes(10, method)
    }

    // CPython: _TestBarrier.test_abort
    public static let abort = Scenario("conformance.manager.barrier.abort") { method in
        try withManager(context: context(method)) { manager in
            let party = ManagerBarrierParty(barrier: try manager.barrier(parties: 3), passes: 1,
                                            timeoutMilliseconds: 10_000)
            let processes = try startParties(2, pass, party, method, waiting: 2)
            try party.barrier.abort()
            let results = try processes.map { try $0.value(as: [String].self, timeout: .seconds(10)).joined() }
            return ["children": results.joined(separator: ","), "broken": "\(try party.barrier.isBroken())",
                    "wait.after": errorCode { try party.barrier.wait(timeout: .seconds(1)) }]
        }
    }

    // CPython: _TestBarrier.test_reset
    public static let reset = Scenario("conformance.manager.barrier.reset") { method in
        try withManager(context: context(method)) { manager in
            let party = ManagerBarrierParty(barrier: try manager.barrier(parties: 3), passes: 1,
                                            timeoutMilliseconds: 1_000)
            let processes = try startParties(2, waitTwice, party, method, waiting: 2)
            try party.barrier.reset()
            let mine = errorCode { try party.barrier.wait(timeout: .seconds(3)) }
            let results = try processes.map { try $0.value(as: [String].self, timeout: .seconds(10)) }
            return ["children": results.map { $0.joined(separator: " ") }.joined(separator: ", "), "parent": mine]
        }
    }

    // CPython: _TestBarrier.test_abort_and_reset
    public static let abortAndReset = Scenario("conformance.manager.barrier.abortAndReset") { method in
        try withManager(context: context(method)) { manager in
            let barrier = try manager.barrier(parties: 2)
            try barrier.abort()
            var seen = ["broken.aborted": "\(try barrier.isBroken())",
                        "wait.aborted": errorCode { try barrier.wait(timeout: .seconds(1)) }]
            try barrier.reset()
            seen["broken.reset"] = "\(try barrier.isBroken())"
            let party = ManagerBarrierParty(barrier: barrier, passes: 2, timeoutMilliseconds: 10_000)
            let processes = try startParties(1, pass, party, method)
            let mine = try (0..<2).map { _ in String(try barrier.wait(timeout: .seconds(10))) }
            let theirs = try processes[0].value(as: [String].self, timeout: .seconds(10))
            seen["indices"] = zip(mine, theirs).map { Set([$0, $1]) == ["0", "1"] ? "0,1" : "\($0),\($1)" }
                .joined(separator: " ")
            return seen
        }
    }

    // CPython: _TestBarrier.test_timeout
    public static let barrierTimeout = Scenario("conformance.manager.barrier.timeout") { method in
        try withManager(context: context(method)) { manager in
            let party = ManagerBarrierParty(barrier: try manager.barrier(parties: 3), passes: 1,
                                            timeoutMilliseconds: 10_000)
            let processes = try startParties(1, pass, party, method, waiting: 1)
            let start = ContinuousClock.now
            let mine = errorCode { try party.barrier.wait(timeout: .milliseconds(100)) }
            let elapsed = milliseconds(since: start)
            let theirs = try processes[0].value(as: [String].self, timeout: .seconds(10)).joined()
            return ["parent": mine, "parent.timing": timing(elapsed, expected: 100), "child": theirs,
                    "broken": "\(try party.barrier.isBroken())"]
        }
    }

    // CPython: _TestBarrier.test_default_timeout
    public static let defaultTimeout = Scenario("conformance.manager.barrier.defaultTimeout.scenario") { method in
        try withManager(context: context(method)) { manager in
            let party = ManagerBarrierParty(barrier: try manager.barrier(parties: 3, timeout: .milliseconds(500)),
                                            passes: 1, timeoutMilliseconds: 10_000)
            let processes = try startParties(2, defaultTimeoutParty, party, method)
            let index = try party.barrier.wait(timeout: .seconds(10))
            if index == 1 { usleep(1_000_000) }
            let mine = errorCode { try party.barrier.wait() }
            let theirs = try processes.map { try $0.value(as: String.self, timeout: .seconds(10)) }
            return ["results": ([mine] + theirs).joined(separator: ",")]
        }
    }

    // CPython: _TestBarrier.test_single_thread
    public static let singleThread = Scenario("conformance.manager.barrier.singleThread") { method in
        try withManager(context: context(method)) { manager in
            let barrier = try manager.barrier(parties: 1)
            return ["waits": "\(try barrier.wait()),\(try barrier.wait())"]
        }
    }

    // MARK: Queues and arrays

    /// Takes numbers until -1, puts each one's square on `results`, and marks every task done.
    public static let squareTasks = ProcessFunction("conformance.manager.queue.worker") {
        (queues: ManagerTaskQueues) -> Empty in
        while true {
            let task = try queues.tasks.get(timeout: .seconds(10))
            defer { try? queues.tasks.taskDone() }
            if task < 0 { return Empty() }
            try queues.results.put(task * task)
        }
    }

    // CPython: _TestQueue.test_task_done
    public static let taskDone = Scenario("conformance.manager.queue.taskDone") { method in
        try withManager(context: context(method)) { manager in
            let queues = ManagerTaskQueues(tasks: try manager.joinableQueue(of: Int.self),
                                           results: try manager.queue(of: Int.self))
            let workers = (0..<2).map { _ in
                Process(target: squareTasks, arguments: queues, context: context(method))
            }
            for worker in workers { try worker.start() }
            for item in 0..<10 { try queues.tasks.put(item) }
            let joined = errorCode {
                guard try queues.tasks.join(timeout: .seconds(10)) else { throw PlannedFailure(description: "late") }
            }
            let done = try queues.results.qsize()
            for _ in workers { try queues.tasks.put(-1) }
            let codes = try workers.map { try exitCode(of: $0) }
            var squares: [Int] = []
            while let square = try? queues.results.get(timeout: .zero) { squares.append(square) }
            return ["join": joined, "results.at.join": "\(done)", "exitCodes": codes.joined(separator: ","),
                    "squares": squares.sorted().map(String.init).joined(separator: ",")]
        }
    }

    /// CPython's `TestSyncManagerTypes._test_array`: what a child reads from the array.
    public static let readArray = ProcessFunction("conformance.manager.array.read") {
        (array: ArrayProxy<Int32>) -> [String] in
        ["\(try array[0])", "\(try array[1])", "\(try array.count())", "\(try array.elements())"]
    }

    // CPython: TestSyncManagerTypes.test_array
    public static let array = Scenario("conformance.manager.array") { method in
        try withManager(context: context(method)) { manager in
            let array: ArrayProxy<Int32> = try manager.array([5, 6])
            let child = Process(target: readArray, arguments: array, context: context(method))
            try child.start()
            return ["child": try child.value(as: [String].self, timeout: .seconds(10)).joined(separator: " "),
                    "exitCode": describe(child.exitCode)]
        }
    }

    public static let all: [RegisteredFunction] = [
        lock.registration, lockContext.registration, rLock.registration, semaphore.registration,
        boundedSemaphore.registration, waitOnCondition.registration,
        waitForStates.registration, notify.registration, notifyAll.registration, notifyN.registration,
        conditionTimeout.registration, waitFor.registration, waitForTimeout.registration, pass.registration,
        waitTwice.registration, defaultTimeoutParty.registration, barrier.registration, barrier10.registration,
        abort.registration, reset.registration, abortAndReset.registration, barrierTimeout.registration,
        defaultTimeout.registration, singleThread.registration, squareTasks.registration, taskDone.registration,
        readArray.registration, array.registration,
    ]
}
