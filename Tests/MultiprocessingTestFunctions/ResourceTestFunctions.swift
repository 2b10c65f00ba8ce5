// The registered functions the tests of resources in messages, queue items and pool tasks run in children.
#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing

/// Resources of every kind, travelling together.
public struct Resources: Codable, Sendable {
    public var lock: Lock
    public var queue: Queue<Int>
    public var connection: Connection
    public var array: SharedArray<Int32>

    public init(lock: Lock, queue: Queue<Int>, connection: Connection, array: SharedArray<Int32>) {
        self.lock = lock
        self.queue = queue
        self.connection = connection
        self.array = array
    }

    /// Uses each resource as a receiver would: takes and releases the lock, writes 42 to the array, puts 7 in the
    /// queue and sends "hello" on the connection.
    public func use() throws {
        guard try lock.acquire(timeout: .seconds(5)) else { throw PlannedFailure(description: "lock not free") }
        try lock.release()
        array[0] = 42
        try queue.put(7)
        try connection.send("hello")
    }

    /// Fresh resources, each marked: the array holds 99, the queue 5, and the other end of the connection (closed
    /// here) sent "from the sender".
    public static func fresh() throws -> Resources {
        let (mine, theirs) = try Pipe()
        try mine.send("from the sender")
        let resources = Resources(lock: try Lock(), queue: try Queue<Int>(), connection: theirs,
                                  array: try SharedArray([99, 0], lock: false))
        try resources.queue.put(5)
        return resources
    }
}

public enum ResourceTestFunctions {
    /// Gets `Resources` from the queue and uses them.
    public static let useFromQueue = ProcessFunction("resources.useFromQueue") { (queue: Queue<Resources>) in
        try queue.get(timeout: .seconds(10)).use()
    }

    /// Receives `Resources` on the connection and uses them.
    public static let useFromConnection = ProcessFunction("resources.useFromConnection") { (connection: Connection) in
        try connection.recv(Resources.self).use()
    }

    /// Puts fresh `Resources` (see ``Resources/fresh()``) in the queue and exits.
    public static let sendFreshThroughQueue = ProcessFunction("resources.sendFreshThroughQueue") {
        (queue: Queue<Resources>) in
        try queue.put(Resources.fresh())
    }

    /// Sends fresh `Resources` on the connection and exits.
    public static let sendFreshThroughConnection = ProcessFunction("resources.sendFreshThroughConnection") {
        (connection: Connection) in
        try connection.send(Resources.fresh())
    }

    nonisolated(unsafe) private static var log: Pair<Lock, SharedArray<Int32>>?

    /// A pool's initializer: keeps the lock and the log for the tasks, as Python's `initializer=init,
    /// initargs=(lock,)`.
    public static let keepLog = ProcessFunction("resources.keepLog") { (shared: Pair<Lock, SharedArray<Int32>>) in
        log = shared
    }

    /// Appends this worker's ID twice to the log, 2 ms apart, holding the lock: the log's first element counts the
    /// entries. Fails in a worker that has no lock.
    public static let appendLocked = ProcessFunction("resources.appendLocked") { (_: Int) -> Int32 in
        guard let log else { throw PlannedFailure(description: "the initializer did not run with its lock") }
        let (lock, entries) = (log.first, log.second)
        try lock.withLock {
            let cursor = Int(entries[0])
            entries[cursor + 1] = getpid()
            usleep(2_000)
            entries[cursor + 2] = getpid()
            entries[0] = Int32(cursor + 2)
        }
        return getpid()
    }

    /// Adds 1 to the shared value it is given, holding its lock.
    public static let increment = ProcessFunction("resources.increment") { (value: SharedValue<Int64>) -> Int64 in
        try value.withLock { number in
            number += 1
            return number
        }
    }

    /// Puts the shared value in the queue `count` times: `Pair(queue, Pair(value, count))`.
    public static let putValue = ProcessFunction("resources.putValue") {
        (arguments: Pair<Queue<SharedValue<Int64>>, Pair<SharedValue<Int64>, Int>>) in
        for _ in 0..<arguments.second.second { try arguments.first.put(arguments.second.first) }
    }

    /// Gets `count` shared values from the queue and adds 1 to each, holding its lock: `Pair(queue, count)`.
    public static let incrementFromQueue = ProcessFunction("resources.incrementFromQueue") {
        (arguments: Pair<Queue<SharedValue<Int64>>, Int>) in
        for _ in 0..<arguments.second {
            try arguments.first.get(timeout: .seconds(30)).withLock { $0 += 1 }
        }
    }

    /// Returns a new lock: a result cannot hold resources.
    public static let makeLock = ProcessFunction("resources.makeLock") { (_: Int) -> Lock in try Lock() }

    public static let all: [RegisteredFunction] = [
        useFromQueue.registration, useFromConnection.registration, sendFreshThroughQueue.registration,
        sendFreshThroughConnection.registration, keepLog.registration, appendLocked.registration,
        increment.registration, putValue.registration, incrementFromQueue.registration, makeLock.registration,
    ]
}
