import Multiprocessing

/// A condition variable on the server, as Python's `threading.Condition()` with its default re-entrant lock.
///
/// The lock's owner is a connection (Python's owner is the server thread that serves it): a proxy's calls share
/// its connection. `wait` releases the lock entirely, waits for a `notify` or its timeout, and takes the lock
/// again at the depth it had. A client that hangs up lets go of the lock and of its place among the waiters.
final class ServerCondition: ServerObject {
    var typeid: String { "Condition" }
    private let lock = OwnedLock()
    /// The waits not notified yet, oldest first, by ticket; and the notified ones that have not woken yet.
    private var waiting: [Int] = []
    private var notified: Set<Int> = []
    private var nextTicket = 0

    func call(_ method: String, _ arguments: [ManagedValue], monitor: ServerMonitor) throws -> ManagedValue {
        let client = monitor.client
        switch method {
        case "acquire": return .bool(try lock.acquire(arguments, monitor: monitor))
        case "release":
            try lock.release(by: client)
            return .none
        case "wait":
            guard lock.owner == client else { throw ServerMethodError("RuntimeError: cannot wait on un-acquired lock") }
            let timeout = try arguments.timeout(0)
            let ticket = nextTicket
            nextTicket += 1
            let depth = lock.releaseAll()
            waiting.append(ticket)
            let woken = monitor.wait(timeout: timeout) { notified.contains(ticket) }
            waiting.removeAll { $0 == ticket }
            notified.remove(ticket)
            // The lock comes back however long that takes, as in Python; only a client that left gives up.
            guard monitor.wait(timeout: nil, until: { lock.owner == nil }) else { throw clientLeftError }
            lock.restore(client, depth: depth)
            return .bool(woken)
        case "notify", "notify_all":
            guard lock.owner == client else {
                throw ServerMethodError("RuntimeError: cannot notify on un-acquired lock")
            }
            let count = method == "notify_all" ? waiting.count : try arguments.integer(0, method, default: 1)
            let woken = waiting.prefix(max(0, count))
            notified.formUnion(woken)
            waiting.removeFirst(woken.count)
            return .none
        case "__repr__": return .string("<Condition(<RLock \(lock.repr)>, \(waiting.count))>")
        default: throw ServerMethodError.noMethod(typeid, method)
        }
    }

    func clientLeft(_ client: Int) {
        lock.clientLeft(client)
    }
}
