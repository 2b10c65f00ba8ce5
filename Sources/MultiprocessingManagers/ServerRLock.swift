import Multiprocessing

/// The state of a re-entrant lock whose owner is a connection: a manager's `RLock`, and a `Condition`'s lock. A
/// class, so that a call that waits holds no access to it while other clients' calls change it.
final class OwnedLock {
    /// The connection that holds the lock, and how many times it took it.
    private(set) var owner: Int?
    private(set) var depth = 0

    /// Takes the lock for `client` (again, if it holds it), waiting as `acquire(blocking, timeout)` asks with
    /// `arguments`; returns whether it did. A client that hung up meanwhile takes nothing.
    func acquire(_ arguments: [ManagedValue], monitor: ServerMonitor) throws -> Bool {
        let client = monitor.client
        if owner == client {
            depth += 1
            return true
        }
        guard try monitor.waitToTake(as: arguments, until: { owner == nil }) else {
            return false
        }
        owner = client
        depth = 1
        return true
    }

    /// Releases the lock once.
    func release(by client: Int) throws {
        guard owner == client else { throw ServerMethodError("RuntimeError: cannot release un-acquired lock") }
        depth -= 1
        if depth == 0 { owner = nil }
    }

    /// Releases the lock entirely (before a condition's wait); returns the depth to restore.
    func releaseAll() -> Int {
        defer {
            owner = nil
            depth = 0
        }
        return depth
    }

    /// Takes the lock at `depth` (after a condition's wait), with the lock free.
    func restore(_ client: Int, depth: Int) {
        owner = client
        self.depth = depth
    }

    /// `client` hung up: the lock goes if it held it.
    func clientLeft(_ client: Int) {
        if owner == client {
            owner = nil
            depth = 0
        }
    }

    var repr: String { "owner=\(owner.map(String.init) ?? "None") count=\(depth)" }
}

/// A re-entrant lock on the server, as Python's `threading.RLock`: the connection that took it may take it again,
/// and only it may release it; a client that hangs up releases it.
final class ServerRLock: ServerObject {
    var typeid: String { "RLock" }
    private let lock = OwnedLock()

    func call(_ method: String, _ arguments: [ManagedValue], monitor: ServerMonitor) throws -> ManagedValue {
        switch method {
        case "acquire": return .bool(try lock.acquire(arguments, monitor: monitor))
        case "release":
            try lock.release(by: monitor.client)
            return .none
        case "__repr__": return .string("<RLock \(lock.repr)>")
        default: throw ServerMethodError.noMethod(typeid, method)
        }
    }

    func clientLeft(_ client: Int) {
        lock.clientLeft(client)
    }
}
