// The registered functions the synchronization and shared-memory tests run in child processes.
#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing

public enum SynchronizationTestFunctions {
    /// Takes the lock and dies holding it.
    public static let dieHoldingLock = ProcessFunction("sync.dieHoldingLock") { (lock: Lock) -> Int in
        try lock.acquire()
        raise(SIGKILL)
        return 0
    }

    /// Sets the value to 99 under its lock and dies before releasing it.
    public static let dieHoldingValueLock = ProcessFunction("sync.dieHoldingValueLock") {
        (value: SharedValue<Int64>) -> Int in
        try value.withLock { number in
            number = 99
            raise(SIGKILL)
        }
        return 0
    }

    /// Takes the lock, says so, holds it for a while.
    public static let holdLock = ProcessFunction("sync.holdLock") { (arguments: HoldLock) -> Int in
        try arguments.lock.withLock {
            arguments.holding.set()
            usleep(UInt32(arguments.milliseconds) * 1000)
        }
        return arguments.milliseconds
    }

    /// Adds 1 to the counter `count` times, each under the value's lock.
    public static let addUnderLock = ProcessFunction("sync.addUnderLock") { (arguments: AddUnderLock) -> Int in
        arguments.start.wait(timeout: .seconds(10))
        for _ in 0..<arguments.count {
            try arguments.counter.withLock { $0 += 1 }
        }
        return arguments.count
    }

    /// Acquires the recursive lock twice and releases it twice.
    public static let reenter = ProcessFunction("sync.reenter") { (lock: RLock) -> Int in
        try lock.acquire()
        try lock.acquire()
        try lock.release()
        try lock.release()
        return 2
    }

    /// Inside the semaphore: counts how many are inside at once, and records the most.
    public static let occupy = ProcessFunction("sync.occupy") { (arguments: Occupy) -> Int in
        arguments.semaphore.acquire()
        let inside = try arguments.inside.withLock { value in
            value += 1
            return value
        }
        try arguments.most.withLock { $0 = max($0, inside) }
        usleep(20_000)
        try arguments.inside.withLock { $0 -= 1 }
        try arguments.semaphore.release()
        return Int(inside)
    }

    /// Releases the semaphore (any process may).
    /// (Glibc names `sem_t *` `Semaphore` too.)
    public static let releaseSemaphore = ProcessFunction("sync.releaseSemaphore") {
        (semaphore: Multiprocessing.Semaphore) -> Int in
        try semaphore.release()
        return 1
    }

    /// Waits for the event (up to 10 s); returns whether it was set.
    public static let waitForEvent = ProcessFunction("sync.waitForEvent") { (event: Event) -> Bool in
        event.wait(timeout: .seconds(10))
    }

    /// Waits on the condition until `ready` is non-zero, then counts itself in `woken`.
    public static let waitForCondition = ProcessFunction("sync.waitForCondition") {
        (arguments: AwaitCondition) -> Bool in
        try arguments.condition.withLock {
            try arguments.waiting.withLock { $0 += 1 }
            let ready = try arguments.condition.wait(for: { arguments.ready.value != 0 }, timeout: .seconds(10))
            if ready { try arguments.woken.withLock { $0 += 1 } }
            return ready
        }
    }

    /// Arrives at the barrier; returns its index and how many had arrived when it passed.
    public static let meet = ProcessFunction("sync.meet") { (arguments: Meet) -> [Int] in
        try arguments.arrived.withLock { $0 += 1 }
        let index = try arguments.barrier.wait(timeout: .seconds(10))
        return [index, Int(arguments.arrived.value)]
    }

    /// Negates every element of the array and sets the value: the shared-memory benchmark's child.
    public static let negate = ProcessFunction("sync.negate") { (arguments: Negate) -> Int in
        try arguments.numbers.withLock { buffer in
            for index in buffer.indices { buffer[index] = -buffer[index] }
        }
        arguments.total.value = 3.25
        return arguments.numbers.count
    }

    /// Replaces every byte of the block by 255 minus it; returns the block's size.
    public static let invertBytes = ProcessFunction("sync.invertBytes") { (block: SharedMemory) -> Int in
        block.withUnsafeMutableBytes { bytes in
            for index in bytes.indices { bytes[index] = 255 - bytes[index] }
        }
        return block.size
    }

    /// Makes shared memory of every kind and dies by SIGKILL holding all of it.
    public static let dieHoldingMemory = ProcessFunction("sync.dieHoldingMemory") { (size: Int) -> Int in
        let block = try SharedMemory(size: size)
        let numbers = try SharedArray<Double>(repeating: 1, count: size / 8)
        let lock = try Lock()
        try lock.acquire()
        withExtendedLifetime((block, numbers, lock)) { _ = raise(SIGKILL) }
        return 0
    }

    /// Every primitive under the `fork` start method, run inside a freshly spawned (single-threaded) worker;
    /// reports `name=value` lines.
    public static let forkScenario = ProcessFunction("sync.forkScenario") { (_: Empty) -> [String] in
        let fork = getContext(.fork)
        var lines: [String] = []

        let counter = try SharedValue<Int64>(0)
        let start = try Event()
        let adders = (0..<2).map { _ in
            Process(target: addUnderLock, arguments: AddUnderLock(counter: counter, start: start, count: 20_000),
                    context: fork)
        }
        for adder in adders { try adder.start() }
        start.set()
        for adder in adders { try adder.join() }
        lines.append("counter=\(counter.value)")

        let lock = try Lock()
        let victim = Process(target: dieHoldingLock, arguments: lock, context: fork)
        try victim.start()
        try victim.join()
        do throws(MultiprocessingError) {
            try lock.acquire(timeout: .seconds(5))
            lines.append("dead-owner=acquired")
        } catch {
            lines.append("dead-owner=\(error.code)")
        }
        lines.append("after-dead-owner=\(try lock.acquire(timeout: .seconds(5)))")
        try lock.release()

        let meeting = Meet(barrier: try Barrier(parties: 3), arrived: try SharedValue(0))
        let parties = (0..<3).map { _ in Process(target: meet, arguments: meeting, context: fork) }
        for party in parties { try party.start() }
        let indices = try parties.map { try $0.value(as: [Int].self, timeout: .seconds(10))[0] }
        lines.append("barrier=\(indices.sorted().map(String.init).joined(separator: ","))")

        let waiting = AwaitCondition(condition: try Condition(), ready: try SharedValue(0), waiting: try SharedValue(0),
                                     woken: try SharedValue(0))
        let waiters = (0..<2).map { _ in Process(target: waitForCondition, arguments: waiting, context: fork) }
        for waiter in waiters { try waiter.start() }
        try waiting.condition.withLock {
            waiting.ready.value = 1
            waiting.condition.notifyAll()
        }
        for waiter in waiters { _ = try waiter.value(as: Bool.self, timeout: .seconds(10)) }
        lines.append("condition-woken=\(waiting.woken.value)")

        let occupying = Occupy(semaphore: try BoundedSemaphore(1), inside: try SharedValue(0), most: try SharedValue(0))
        let occupants = (0..<3).map { _ in Process(target: occupy, arguments: occupying, context: fork) }
        for occupant in occupants { try occupant.start() }
        for occupant in occupants { try occupant.join() }
        lines.append("semaphore-most=\(occupying.most.value)")

        let event = try Event()
        let eventWaiter = Process(target: waitForEvent, arguments: event, context: fork)
        try eventWaiter.start()
        event.set()
        lines.append("event=\(try eventWaiter.value(as: Bool.self, timeout: .seconds(10)))")

        let negating = Negate(numbers: try SharedArray<Int32>(0..<10), total: try SharedValue<Double>(0))
        _ = try negate.run(negating, context: fork)
        let negated = negating.numbers.copy().map(String.init).joined(separator: ",")
        lines.append("negated=\(negated) \(negating.total.value)")
        lines.append("children-left=\(activeChildren().count)")
        return lines
    }

    public static let all: [RegisteredFunction] = [
        dieHoldingLock.registration, holdLock.registration, addUnderLock.registration, reenter.registration,
        occupy.registration, releaseSemaphore.registration, waitForEvent.registration,
        waitForCondition.registration, meet.registration, negate.registration, invertBytes.registration,
        dieHoldingMemory.registration, forkScenario.registration, dieHoldingValueLock.registration,
    ]
}

public struct HoldLock: Codable, Sendable {
    public var lock: Lock
    public var holding: Event
    public var milliseconds: Int
    public init(lock: Lock, holding: Event, milliseconds: Int) {
        self.lock = lock
        self.holding = holding
        self.milliseconds = milliseconds
    }
}

public struct AddUnderLock: Codable, Sendable {
    public var counter: SharedValue<Int64>
    public var start: Event
    public var count: Int
    public init(counter: SharedValue<Int64>, start: Event, count: Int) {
        self.counter = counter
        self.start = start
        self.count = count
    }
}

public struct Occupy: Codable, Sendable {
    public var semaphore: BoundedSemaphore
    public var inside: SharedValue<Int32>
    public var most: SharedValue<Int32>
    public init(semaphore: BoundedSemaphore, inside: SharedValue<Int32>, most: SharedValue<Int32>) {
        self.semaphore = semaphore
        self.inside = inside
        self.most = most
    }
}

public struct AwaitCondition: Codable, Sendable {
    public var condition: Condition
    public var ready: SharedValue<Int32>
    public var waiting: SharedValue<Int32>
    public var woken: SharedValue<Int32>
    public init(condition: Condition, ready: SharedValue<Int32>, waiting: SharedValue<Int32>,
                woken: SharedValue<Int32>) {
        self.condition = condition
        self.ready = ready
        self.waiting = waiting
        self.woken = woken
    }
}

public struct Meet: Codable, Sendable {
    public var barrier: Barrier
    public var arrived: SharedValue<Int32>
    public init(barrier: Barrier, arrived: SharedValue<Int32>) {
        self.barrier = barrier
        self.arrived = arrived
    }
}

public struct Negate: Codable, Sendable {
    public var numbers: SharedArray<Int32>
    public var total: SharedValue<Double>
    public init(numbers: SharedArray<Int32>, total: SharedValue<Double>) {
        self.numbers = numbers
        self.total = total
    }
}
