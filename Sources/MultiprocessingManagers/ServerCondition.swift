import Multiprocessing

/// A condition variable on the server, as Python's `threading.Condition()` with its default re-entrant lock.
///
/// The lock's owner is a connection (Python's owner is the server thread that serves it): a proxy's calls share
/// its connection. `wait` releases the lock entirely, waits for a `notify` or its timeout, and takes the lock
/// again at the depth it had. A client that hangs up lets go of the lock and of its place among the waiters.
final class ServerCondition: ServerObject {
    var typeid: String { "Condition" }
    /// The connection that holds the lock, and how many times it took it.
    private var owner: Int?
    private var depth = 0
    /// The waits not notified yet, oldest first, by ticket; and the notified ones that have not woken yet.
    private var waiting: [Int] = []
    private var notified: Set<Int> = []
    private var nextTicket = 0

    func call(_ method: String, _ arguments: [ManagedValue], monitor: ServerMonitor) throws -> ManagedValue {
        let client = monitor.client
        switch method {
        case "acquire":
            if owner == client {
                depth += 1
                return .bool(true)
            }
            let block = arguments.first != .bool(false)
            guard try monitor.waitToTake(timeout: block ? arguments.timeout(1) : .zero, until: { owner == nil }) else {
                return .bool(false)
            }
            owner = client
            depth = 1
            return .bool(true)
        case "release":
            guard owner == client else { throw ServerMethodError("RuntimeError: cannot release un-acquired lock") }
            depth -= 1
            if depth == 0 { owner = nil }
            return .none
        case "wait":
            guard owner == client else { throw ServerMethodError("RuntimeError: cannot wait on un-acquired lock") }
            let timeout = try arguments.timeout(0)
            let ticket = nextTicket
            nextTicket += 1
            let savedDepth = depth
            owner = nil
            depth = 0
            waiting.append(ticket)
            let woken = monitor.wait(timeout: timeout) { notified.contains(ticket) }
            waiting.removeAll { $0 == ticket }
            notified.remove(ticket)
            // The lock comes back however long that takes, as in Python; only a client that left gives up.
            guard monitor.wait(timeout: nil, until: { owner == nil }) else { throw clientLeftError }
            owner = client
            depth = savedDepth
            return .bool(woken)
        case "notify", "notify_all":
            guard owner == client else { throw ServerMethodError("RuntimeError: cannot notify on un-acquired lock") }
            let count = method == "notify_all" ? waiting.count : try arguments.integer(0, method, default: 1)
            let woken = waiting.prefix(max(0, count))
            notified.formUnion(woken)
            waiting.removeFirst(woken.count)
            return .none
        case "__repr__":
            return .string("<Condition(<RLock owner=\(owner.map(String.init) ?? "None") count=\(depth)>, "
                + "\(waiting.count))>")
        default: throw ServerMethodError.noMethod(typeid, method)
        }
    }

    func clientLeft(_ client: Int) {
        if owner == client {
            owner = nil
            depth = 0
        }
    }
}
