// What children run in the tests of the manager's semaphores, conditions, barriers, arrays, joinable queues and
// pools.
#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing
import MultiprocessingManagers

public enum ManagerProxyTestFunctions {
    /// Sets `ready`, then takes the semaphore, waiting as long as it takes; returns "acquired".
    public static let acquireSemaphore = ProcessFunction("test.manager.semaphore.acquire") {
        (arguments: Blocking<SemaphoreProxy>) -> String in
        try arguments.ready.set()
        try arguments.object.acquire()
        return "acquired"
    }

    /// Sets `ready`, then takes the lock, waiting as long as it takes; returns "acquired".
    public static let acquireLock = ProcessFunction("test.manager.lock.acquire") {
        (arguments: Blocking<LockProxy>) -> String in
        try arguments.ready.set()
        try arguments.object.acquire()
        return "acquired"
    }

    /// Sets `ready`, then takes the re-entrant lock, waiting as long as it takes; returns "acquired" (and exits
    /// holding it).
    public static let acquireRLock = ProcessFunction("test.manager.rlock.acquire") {
        (arguments: Blocking<RLockProxy>) -> String in
        try arguments.ready.set()
        try arguments.object.acquire()
        return "acquired"
    }

    /// Holding the condition's lock, sets `ready` and waits until the value is true (up to 10 s); returns
    /// whether it became true.
    public static let waitForFlag = ProcessFunction("test.manager.condition.wait") {
        (arguments: ConditionFlag) -> Bool in
        try arguments.condition.withLock {
            try arguments.ready.set()
            return try arguments.condition.wait(for: { try arguments.flag.get() }, timeout: .seconds(10))
        }
    }

    /// Takes the condition's lock, sets `ready`, and waits for a notify that never comes (killed meanwhile).
    public static let holdCondition = ProcessFunction("test.manager.condition.hold") {
        (arguments: Blocking<ConditionProxy>) -> Bool in
        try arguments.object.acquire()
        try arguments.object.acquire()  // Re-entrant: the lock is held twice, and the wait releases both.
        try arguments.ready.set()
        return try arguments.object.wait()
    }

    /// Takes the condition's lock, sets `ready`, and sleeps (until it is killed).
    public static let holdConditionLock = ProcessFunction("test.manager.condition.holdLock") {
        (arguments: Blocking<ConditionProxy>) -> Bool in
        try arguments.object.acquire()
        try arguments.ready.set()
        sleep(30)
        return false
    }

    /// Sets `ready`, then waits on the barrier (up to 10 s); returns its index, or the error's code.
    public static let passBarrier = ProcessFunction("test.manager.barrier.wait") {
        (arguments: Blocking<BarrierProxy>) -> String in
        try arguments.ready.set()
        do throws(MultiprocessingError) {
            return "\(try arguments.object.wait(timeout: .seconds(10)))"
        } catch {
            return error.code.description
        }
    }

    /// Sets element `index` of the array to `index × 10`; returns the array's length.
    public static let setArrayElement = ProcessFunction("test.manager.array.set") { (arguments: ArrayElement) -> Int in
        try arguments.array.set(arguments.index, Int32(arguments.index * 10))
        return try arguments.array.count()
    }

    /// Takes numbers until -1, appends each one's square to `results` and marks it done; returns how many.
    public static let squareJobs = ProcessFunction("test.manager.joinable.work") { (arguments: Jobs) -> Int in
        var done = 0
        while true {
            let job = try arguments.queue.get(timeout: .seconds(10))
            defer { try? arguments.queue.taskDone() }
            if job < 0 { return done }
            try arguments.results.append(job * job)
            done += 1
        }
    }

    /// Sets `ready`, then waits until every item of the queue is done (until it is killed).
    public static let joinQueue = ProcessFunction("test.manager.joinable.join") {
        (arguments: Blocking<JoinableQueueProxy<Int>>) -> Bool in
        try arguments.ready.set()
        return try arguments.object.join()
    }

    /// Uses a manager's pool from a child: `apply(square, 7)` and the sum of `map(square, 0..<10)`.
    public static let usePool = ProcessFunction("test.manager.pool.use") { (pool: PoolProxy) -> [Int] in
        [try pool.apply(PoolTestFunctions.square, 7), try pool.map(PoolTestFunctions.square, 0..<10).reduce(0, +)]
    }

    /// Sets `ready`, then waits for a slow task of the pool (until it is killed).
    public static let waitOnPool = ProcessFunction("test.manager.pool.wait") {
        (arguments: Blocking<PoolProxy>) -> Int in
        let pending = try arguments.object.applyAsync(PoolTestFunctions.sleep, 2_000)
        try arguments.ready.set()
        return try pending.get()
    }

    public static let all: [RegisteredFunction] = [
        acquireSemaphore.registration, acquireLock.registration, acquireRLock.registration, waitForFlag.registration,
        holdCondition.registration, holdConditionLock.registration, passBarrier.registration,
        setArrayElement.registration, squareJobs.registration, joinQueue.registration, usePool.registration,
        waitOnPool.registration,
    ]
}

/// A proxy to block on, and an event the child sets just before it does.
public struct Blocking<Object: Codable & Sendable>: Codable, Sendable {
    public var object: Object
    public var ready: EventProxy
    public init(_ object: Object, ready: EventProxy) {
        self.object = object
        self.ready = ready
    }
}

public struct ConditionFlag: Codable, Sendable {
    public var condition: ConditionProxy
    public var flag: ValueProxy<Bool>
    public var ready: EventProxy
    public init(condition: ConditionProxy, flag: ValueProxy<Bool>, ready: EventProxy) {
        self.condition = condition
        self.flag = flag
        self.ready = ready
    }
}

public struct ArrayElement: Codable, Sendable {
    public var array: ArrayProxy<Int32>
    public var index: Int
    public init(array: ArrayProxy<Int32>, index: Int) {
        self.array = array
        self.index = index
    }
}

public struct Jobs: Codable, Sendable {
    public var queue: JoinableQueueProxy<Int>
    public var results: ListProxy<Int>
    public init(queue: JoinableQueueProxy<Int>, results: ListProxy<Int>) {
        self.queue = queue
        self.results = results
    }
}
