// The registered functions and managed types the Manager tests use in child processes and in the manager's
// server (both are the worker executable started again).
#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing
import MultiprocessingManagers

/// A server-side counter, the custom type of the Manager tests.
public final class TestCounter {
    var total = 0
    init(start: Int) { total = start }
}

public enum ManagerTestFunctions {
    /// `add(n)` adds and returns the new total; `total()` reads it; `slowTotal(ms)` reads it after `ms` milliseconds;
    /// `fail()` throws.
    public static let counterType = ManagedType("test.Counter", make: { arguments in
        TestCounter(start: try arguments.first?.unwrap(as: Int.self) ?? 0)
    }, methods: [
        "add": { counter, arguments in
            counter.total += try arguments[0].unwrap(as: Int.self)
            return .int(counter.total)
        },
        "total": { counter, _ in .int(counter.total) },
        "slowTotal": { counter, arguments in
            usleep(UInt32(try arguments[0].unwrap(as: Int.self)) * 1000)
            return .int(counter.total)
        },
        "fail": { _, _ in throw PlannedFailure(description: "the counter refused") },
    ])

    /// Writes its index into the dict under `child<index>`, appends it to the list, and returns the dict's size.
    public static let fillShared = ProcessFunction("test.manager.fill") { (arguments: FillShared) -> Int in
        try arguments.dict.set(.string("child\(arguments.index)"), .int(arguments.index))
        try arguments.list.append(arguments.index)
        try arguments.namespace.set("last", arguments.index)
        return try arguments.dict.count()
    }

    /// Adds 1 to the value `rounds` times, each read-modify-write under the manager's lock.
    public static let lockedIncrement = ProcessFunction("test.manager.increment") {
        (arguments: LockedIncrement) -> Int in
        for _ in 0..<arguments.rounds {
            try arguments.lock.withLock {
                try arguments.counter.set(try arguments.counter.get() + 1)
            }
        }
        return arguments.rounds
    }

    /// Adds 1 to the registered counter `rounds` times.
    public static let addToCounter = ProcessFunction("test.manager.counter") { (arguments: AddToCounter) -> Int in
        for _ in 0..<arguments.rounds { try arguments.counter.call("add", 1) }
        return arguments.rounds
    }

    /// Signals `ready`, then waits on the queue until an item comes or the call fails; returns the error's code
    /// and how many milliseconds the failure took after the queue's server died (measured by the parent).
    public static let waitOnQueue = ProcessFunction("test.manager.wait") { (arguments: WaitOnQueue) -> String in
        try arguments.ready.set()
        do throws(MultiprocessingError) {
            let item = try arguments.queue.get(timeout: .seconds(30))
            return "item \(item)"
        } catch {
            return error.code.description
        }
    }

    /// Connects to a manager by address and key, as a remote client, and sets `"remote"` in the dict `shared`.
    public static let remoteClient = ProcessFunction("test.manager.remote") { (arguments: RemoteClient) -> String in
        let manager = try Manager.connect(to: arguments.address, authkey: arguments.authkey)
        let shared = try manager.dict(name: "shared", as: DictProxy<String, Int>.self)
        try shared.set("remote", 1)
        return "\(try shared.keys().sorted())"
    }

    public static let all: [RegisteredFunction] = [
        Manager.registration, counterType.registration, fillShared.registration, lockedIncrement.registration,
        addToCounter.registration,
        waitOnQueue.registration, remoteClient.registration,
    ]
}

public struct FillShared: Codable, Sendable {
    public var dict: DictProxy<ManagedValue, ManagedValue>
    public var list: ListProxy<Int>
    public var namespace: NamespaceProxy
    public var index: Int
    public init(dict: DictProxy<ManagedValue, ManagedValue>, list: ListProxy<Int>, namespace: NamespaceProxy,
                index: Int) {
        self.dict = dict
        self.list = list
        self.namespace = namespace
        self.index = index
    }
}

public struct LockedIncrement: Codable, Sendable {
    public var counter: ValueProxy<Int>
    public var lock: LockProxy
    public var rounds: Int
    public init(counter: ValueProxy<Int>, lock: LockProxy, rounds: Int) {
        self.counter = counter
        self.lock = lock
        self.rounds = rounds
    }
}

public struct AddToCounter: Codable, Sendable {
    public var counter: ObjectProxy
    public var rounds: Int
    public init(counter: ObjectProxy, rounds: Int) {
        self.counter = counter
        self.rounds = rounds
    }
}

public struct WaitOnQueue: Codable, Sendable {
    public var queue: QueueProxy<Int>
    public var ready: EventProxy
    public init(queue: QueueProxy<Int>, ready: EventProxy) {
        self.queue = queue
        self.ready = ready
    }
}

public struct RemoteClient: Codable, Sendable {
    public var address: ManagerAddress
    public var authkey: [UInt8]
    public init(address: ManagerAddress, authkey: [UInt8]) {
        self.address = address
        self.authkey = authkey
    }
}
