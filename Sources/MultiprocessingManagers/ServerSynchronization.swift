import Multiprocessing

/// A queue on the server: `put` waits for room in a queue with a maximum size, `get` waits up to its timeout.
///
/// A joinable one (Python's `JoinableQueue`) also counts the items put and not yet marked done with `task_done`;
/// `join` waits until that count is 0.
final class ServerQueue: ServerObject {
    let typeid: String
    private var items: [ManagedValue] = []
    private var head = 0
    /// The most items it holds; 0 or less: no limit, as Python's `Queue(maxsize)`.
    private let maxsize: Int
    /// Items put and not marked done yet (joinable queues only).
    private var unfinished = 0

    init(maxsize: Int = 0, joinable: Bool = false) {
        self.maxsize = maxsize
        typeid = joinable ? "JoinableQueue" : "Queue"
    }

    private var isJoinable: Bool { typeid == "JoinableQueue" }

    private var isFull: Bool { maxsize > 0 && items.count - head >= maxsize }

    func call(_ method: String, _ arguments: [ManagedValue], monitor: ServerMonitor) throws -> ManagedValue {
        switch method {
        case "put":
            let item = try arguments.argument(0, method)
            let block = arguments.count < 2 || arguments[1] != .bool(false)
            guard monitor.wait(timeout: block ? try arguments.timeout(2) : .zero, until: { !isFull }) else {
                throw ServerMethodError("Full")
            }
            items.append(item)
            if isJoinable { unfinished += 1 }
            return .none
        case "full": return .bool(isFull)
        case "task_done" where isJoinable:
            guard unfinished > 0 else { throw ServerMethodError("ValueError: task_done() called too many times") }
            unfinished -= 1
            return .none
        case "join" where isJoinable:
            guard monitor.wait(timeout: try arguments.timeout(0), until: { unfinished == 0 }) else {
                return .bool(false)
            }
            return .bool(true)
        case "get":
            guard try monitor.waitToTake(as: arguments, until: { head < items.count }) else {
                throw ServerMethodError("Empty")
            }
            let item = items[head]
            head += 1
            if head > 1024 && head * 2 > items.count {
                items.removeFirst(head)
                head = 0
            }
            return item
        case "qsize": return .int(items.count - head)
        case "empty": return .bool(head == items.count)
        default: throw ServerMethodError.noMethod(typeid, method)
        }
    }
}

/// A lock on the server, as Python's `threading.Lock`: any client may release it.
final class ServerLock: ServerObject {
    var typeid: String { "Lock" }
    private var locked = false

    func call(_ method: String, _ arguments: [ManagedValue], monitor: ServerMonitor) throws -> ManagedValue {
        switch method {
        case "acquire":
            guard try monitor.waitToTake(as: arguments, until: { !locked }) else {
                return .bool(false)
            }
            locked = true
            return .bool(true)
        case "release":
            guard locked else { throw ServerMethodError("RuntimeError: release unlocked lock") }
            locked = false
            return .none
        case "locked": return .bool(locked)
        default: throw ServerMethodError.noMethod(typeid, method)
        }
    }
}

/// An event on the server, as Python's `threading.Event`.
final class ServerEvent: ServerObject {
    var typeid: String { "Event" }
    private var flag = false

    func call(_ method: String, _ arguments: [ManagedValue], monitor: ServerMonitor) throws -> ManagedValue {
        switch method {
        case "set":
            flag = true
            return .none
        case "clear":
            flag = false
            return .none
        case "is_set": return .bool(flag)
        case "wait": return .bool(try monitor.wait(timeout: arguments.timeout(0)) { flag })
        default: throw ServerMethodError.noMethod(typeid, method)
        }
    }
}
