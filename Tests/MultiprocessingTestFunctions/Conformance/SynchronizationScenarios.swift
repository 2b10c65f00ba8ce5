// The scenarios of CPython's `_TestCondition` and `_TestEvent` that involve child processes.
#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing

public struct ConditionWaiter: Codable, Sendable {
    public var condition: Condition
    // Glibc has a `Semaphore` too (a pointer to `sem_t`).
    public var sleeping: Multiprocessing.Semaphore
    public var woken: Multiprocessing.Semaphore
}

public struct ConditionState: Codable, Sendable {
    public var condition: Condition
    public var state: SharedValue<Int32>
}

public struct SetLater: Codable, Sendable {
    public var event: Event
    public var milliseconds: Int
}

public enum SynchronizationScenarios {
    /// CPython's `_TestCondition.f`: takes the lock, says it sleeps, waits (10 s at most), says it woke.
    public static let waitOnCondition = ProcessFunction("conformance.condition.f") {
        (waiter: ConditionWaiter) -> Bool in
        _ = try waiter.condition.acquire()
        try waiter.sleeping.release()
        let notified = try waiter.condition.wait(timeout: .seconds(10))
        try waiter.woken.release()
        try waiter.condition.release()
        return notified
    }

    /// Takes the lock and notifies one waiter.
    public static let notifyOnce = ProcessFunction("conformance.condition.notifyOnce") {
        (condition: Condition) -> Empty in
        try condition.withLock { condition.notify() }
        return Empty()
    }

    /// CPython's `_test_waitfor_f`: sets the state to 0, notifies, and waits for it to become 4.
    public static let waitForStates = ProcessFunction("conformance.condition.waitFor") {
        (arguments: ConditionState) -> Bool in
        try arguments.condition.withLock {
            arguments.state.value = 0
            arguments.condition.notify()
            let result = try arguments.condition.wait(for: { arguments.state.value == 4 }, timeout: .seconds(10))
            return result && arguments.state.value == 4
        }
    }

    /// Sleeps, then sets the event.
    public static let setEventLater = ProcessFunction("conformance.event.setLater") { (arguments: SetLater) -> Empty in
        usleep(UInt32(arguments.milliseconds) * 1000)
        arguments.event.set()
        return Empty()
    }

    /// Starts `count` waiters and waits until each sleeps on the condition.
    static func startWaiters(_ count: Int, _ waiter: ConditionWaiter, _ method: String) throws -> [Process] {
        let processes = (0..<count).map { _ in
            Process(target: waitOnCondition, arguments: waiter, daemon: true, context: context(method))
        }
        for process in processes { try process.start() }
        for _ in processes { _ = waiter.sleeping.acquire(timeout: .seconds(10)) }
        return processes
    }

    /// How many waiters woke: `expected` of them within 5 s each, and any more within 50 ms; takes their permits.
    static func woken(_ waiter: ConditionWaiter, expected: Int) -> Int {
        var count = 0
        for _ in 0..<expected where waiter.woken.acquire(timeout: .seconds(5)) { count += 1 }
        usleep(50_000)
        while waiter.woken.acquire(block: false) { count += 1 }
        return count
    }

    // CPython: _TestCondition.test_notify
    public static let notify = Scenario("conformance.condition.notify") { method in
        let waiter = ConditionWaiter(condition: try Condition(), sleeping: try Multiprocessing.Semaphore(0),
                                     woken: try Multiprocessing.Semaphore(0))
        let processes = try startWaiters(2, waiter, method)
        usleep(50_000)
        var seen = ["woken.before": "\(waiter.woken.value)"]
        try waiter.condition.withLock { waiter.condition.notify() }
        seen["woken.first"] = "\(woken(waiter, expected: 1))"
        try waiter.condition.withLock { waiter.condition.notify() }
        seen["woken.second"] = "\(woken(waiter, expected: 1))"
        seen["notified"] = try processes.map { String(try $0.value(as: Bool.self, timeout: .seconds(10))) }
            .joined(separator: ",")
        return seen
    }

    // CPython: _TestCondition.test_notify_all
    public static let notifyAll = Scenario("conformance.condition.notifyAll") { method in
        let waiter = ConditionWaiter(condition: try Condition(), sleeping: try Multiprocessing.Semaphore(0),
                                     woken: try Multiprocessing.Semaphore(0))
        let processes = try startWaiters(3, waiter, method)
        usleep(50_000)
        var seen = ["woken.before": "\(waiter.woken.value)"]
        try waiter.condition.withLock { waiter.condition.notifyAll() }
        seen["woken"] = "\(woken(waiter, expected: 3))"
        seen["exitCodes"] = try processes.map { try exitCode(of: $0) }.joined(separator: ",")
        return seen
    }

    // CPython: _TestCondition.test_notify_n
    public static let notifyN = Scenario("conformance.condition.notifyN") { method in
        let waiter = ConditionWaiter(condition: try Condition(), sleeping: try Multiprocessing.Semaphore(0),
                                     woken: try Multiprocessing.Semaphore(0))
        let processes = try startWaiters(3, waiter, method)
        usleep(50_000)
        var seen = ["woken.before": "\(waiter.woken.value)"]
        try waiter.condition.withLock { waiter.condition.notify(2) }
        seen["woken.two"] = "\(woken(waiter, expected: 2))"
        try waiter.condition.withLock { waiter.condition.notify(4) }
        seen["woken.rest"] = "\(woken(waiter, expected: 1))"
        seen["exitCodes"] = try processes.map { try exitCode(of: $0) }.joined(separator: ",")
        return seen
    }

    // CPython: _TestCondition.test_waitfor
    public static let waitFor = Scenario("conformance.condition.waitFor.scenario") { method in
        let arguments = ConditionState(condition: try Condition(), state: try SharedValue<Int32>(-1))
        let process = Process(target: waitForStates, arguments: arguments, daemon: true, context: context(method))
        try process.start()
        var seen = Observations()
        try arguments.condition.withLock {
            let zero = try arguments.condition.wait(for: { arguments.state.value == 0 }, timeout: .seconds(10))
            seen["wait.zero"] = "\(zero)"
        }
        for _ in 0..<4 {
            usleep(10_000)
            try arguments.condition.withLock {
                arguments.state.value += 1
                arguments.condition.notify()
            }
        }
        seen["child"] = "\(try process.value(as: Bool.self, timeout: .seconds(20)))"
        seen["exitCode"] = describe(process.exitCode)
        return seen
    }
    // CPython: _TestCondition.test_wait_result
    public static let waitResult = Scenario("conformance.condition.waitResult") { method in
        var seen = Observations()
        let condition = try Condition()
        var notifier: Process?
        try condition.withLock {
            seen["wait.zero"] = "\(try condition.wait(timeout: .zero))"
            seen["wait.short"] = "\(try condition.wait(timeout: .milliseconds(100)))"
            let process = Process(target: notifyOnce, arguments: condition, context: context(method))
            try process.start()
            seen["wait.notified"] = "\(try condition.wait(timeout: .seconds(10)))"
            notifier = process
        }
        seen["exitCode"] = try notifier.map { try exitCode(of: $0) } ?? "not started"
        return seen
    }

    // CPython: _TestEvent.test_event
    public static let event = Scenario("conformance.event.event") { method in
        var seen = Observations()
        let event = try Event()
        seen["isSet.start"] = "\(event.isSet)"
        var start = ContinuousClock.now
        seen["wait.zero"] = "\(event.wait(timeout: .zero))"
        seen["wait.zero.timing"] = timing(milliseconds(since: start), expected: 0)
        start = ContinuousClock.now
        seen["wait.short"] = "\(event.wait(timeout: .milliseconds(100)))"
        seen["wait.short.timing"] = timing(milliseconds(since: start), expected: 100)
        event.set()
        seen["isSet.set"] = "\(event.isSet)"
        seen["wait.set"] = "\(event.wait())"
        start = ContinuousClock.now
        seen["wait.set.short"] = "\(event.wait(timeout: .milliseconds(100)))"
        seen["wait.set.timing"] = timing(milliseconds(since: start), expected: 0)
        event.clear()
        seen["isSet.cleared"] = "\(event.isSet)"
        let process = Process(target: setEventLater, arguments: SetLater(event: event, milliseconds: 200),
                              daemon: true, context: context(method))
        try process.start()
        seen["wait.child"] = "\(event.wait(timeout: .seconds(10)))"
        seen["exitCode"] = try exitCode(of: process)
        return seen
    }

    public static let all: [RegisteredFunction] = [
        waitOnCondition.registration, notifyOnce.registration, waitForStates.registration,
        setEventLater.registration, notify.registration, notifyAll.registration, notifyN.registration,
        waitFor.registration, waitResult.registration, event.registration,
    ]
}
