// The scenarios of CPython's `_TestQueue` and `TestSimpleQueue`.
#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing

public struct QueueHandshake: Codable, Sendable {
    public var queue: Queue<Int>
    public var childCanStart: Event
    public var parentCanContinue: Event
    public var count: Int
}

public struct PutRange: Codable, Sendable {
    public var queue: Queue<Int>
    public var lower: Int
    public var upper: Int
}

public enum QueueScenarios {
    /// Waits for `childCanStart`, takes `count` items, then sets `parentCanContinue`.
    public static let takeItems = ProcessFunction("conformance.queue.take") { (handshake: QueueHandshake) -> [Int] in
        _ = handshake.childCanStart.wait(timeout: .seconds(10))
        let items = try (0..<handshake.count).map { _ in try handshake.queue.get(timeout: .seconds(10)) }
        handshake.parentCanContinue.set()
        return items
    }

    /// Waits for `childCanStart`, puts 0..<count, then sets `parentCanContinue`.
    public static let putItems = ProcessFunction("conformance.queue.put") { (handshake: QueueHandshake) -> Empty in
        _ = handshake.childCanStart.wait(timeout: .seconds(10))
        for item in 0..<handshake.count { try handshake.queue.put(item) }
        handshake.parentCanContinue.set()
        return Empty()
    }

    /// Puts lower..<upper.
    public static let putRange = ProcessFunction("conformance.queue.putRange") { (arguments: PutRange) -> Empty in
        for item in arguments.lower..<arguments.upper { try arguments.queue.put(item) }
        return Empty()
    }

    // CPython: _TestQueue.test_put
    public static let put = Scenario("conformance.queue.put.scenario") { method in
        var seen = Observations()
        let queue = try Queue<Int>(maxsize: 6)
        let handshake = QueueHandshake(queue: queue, childCanStart: try Event(), parentCanContinue: try Event(),
                                       count: 6)
        let process = Process(target: takeItems, arguments: handshake, daemon: true, context: context(method))
        try process.start()
        seen["empty.start"] = "\(queue.isEmpty)"
        try queue.put(0)
        try queue.put(1, block: true)
        try queue.put(2, block: true, timeout: nil)
        try queue.put(3, block: true, timeout: .milliseconds(100))
        try queue.put(4, block: false)
        try queue.putNoWait(5)
        seen["empty.full"] = "\(queue.isEmpty)"
        seen["full"] = "\(queue.isFull)"
        seen["put.noblock"] = errorCode { try queue.put(7, block: false) }
        seen["putNoWait"] = errorCode { try queue.putNoWait(7) }
        var start = ContinuousClock.now
        seen["put.timeout"] = errorCode { try queue.put(7, block: true, timeout: .milliseconds(100)) }
        seen["put.timeout.timing"] = timing(milliseconds(since: start), expected: 100)
        start = ContinuousClock.now
        seen["put.noblock.timeout"] = errorCode { try queue.put(7, block: false, timeout: .milliseconds(100)) }
        seen["put.noblock.timing"] = timing(milliseconds(since: start), expected: 0)
        handshake.childCanStart.set()
        seen["parentCanContinue"] = "\(handshake.parentCanContinue.wait(timeout: .seconds(10)))"
        seen["empty.end"] = "\(queue.isEmpty)"
        seen["full.end"] = "\(queue.isFull)"
        seen["child.got"] = try process.value(as: [Int].self, timeout: .seconds(10)).map(String.init)
            .joined(separator: ",")
        return seen
    }

    // CPython: _TestQueue.test_get
    public static let get = Scenario("conformance.queue.get.scenario") { method in
        var seen = Observations()
        let queue = try Queue<Int>()
        let handshake = QueueHandshake(queue: queue, childCanStart: try Event(), parentCanContinue: try Event(),
                                       count: 4)
        let process = Process(target: putItems, arguments: handshake, daemon: true, context: context(method))
        try process.start()
        seen["empty.start"] = "\(queue.isEmpty)"
        handshake.childCanStart.set()
        seen["parentCanContinue"] = "\(handshake.parentCanContinue.wait(timeout: .seconds(10)))"
        seen["empty.filled"] = "\(queue.isEmpty)"
        let items = [try queue.get(), try queue.get(block: true, timeout: nil),
                     try queue.get(block: true, timeout: .milliseconds(100)), try queue.get(block: false)]
        seen["items"] = items.map(String.init).joined(separator: ",")
        seen["empty.end"] = "\(queue.isEmpty)"
        seen["get.noblock"] = errorCode { _ = try queue.get(block: false) }
        seen["getNoWait"] = errorCode { _ = try queue.getNoWait() }
        var start = ContinuousClock.now
        seen["get.timeout"] = errorCode { _ = try queue.get(block: true, timeout: .milliseconds(100)) }
        seen["get.timeout.timing"] = timing(milliseconds(since: start), expected: 100)
        start = ContinuousClock.now
        seen["get.noblock.timeout"] = errorCode { _ = try queue.get(block: false, timeout: .milliseconds(100)) }
        seen["get.noblock.timing"] = timing(milliseconds(since: start), expected: 0)
        seen["exitCode"] = try exitCode(of: process)
        return seen
    }

    // CPython: _TestQueue.test_fork
    public static let fork = Scenario("conformance.queue.fork") { method in
        let queue = try Queue<Int>()
        for item in 0..<10 { try queue.put(item) }
        usleep(10_000)
        let process = Process(target: putRange, arguments: PutRange(queue: queue, lower: 10, upper: 20),
                              daemon: true, context: context(method))
        try process.start()
        let items = try (0..<20).map { _ in try queue.get(timeout: .seconds(10)) }
        return ["items": items.map(String.init).joined(separator: ","), "exitCode": try exitCode(of: process)]
    }

    // CPython: _TestQueue.test_task_done
    public static let taskDone = Scenario("conformance.queue.taskDone") { method in
        let tasks = try JoinableQueue<Int>()
        let results = try Queue<Int>()
        let workers = (0..<2).map { _ in
            Process(target: TestFunctions.squareWorker, arguments: SquareWorker(tasks: tasks, results: results),
                    context: context(method))
        }
        for worker in workers { try worker.start() }
        for item in 0..<10 { try tasks.put(item) }
        let joined = errorCode { try tasks.join(timeout: .seconds(10)) }
        let done = results.qsize
        for _ in workers { try tasks.put(-1) }
        let codes = try workers.map { try exitCode(of: $0) }
        var squares: [Int] = []
        while let square = try? results.get(block: false) { squares.append(square) }
        return ["join": joined, "results.at.join": "\(done)", "exitCodes": codes.joined(separator: ","),
                "squares": squares.sorted().map(String.init).joined(separator: ",")]
    }

    // CPython: TestSimpleQueue.test_empty
    public static let simpleQueueEmpty = Scenario("conformance.queue.simpleEmpty") { method in
        let queue = try SimpleQueue<String>()
        var seen = ["empty.start": "\(queue.isEmpty)"]
        let process = Process(target: TestFunctions.simpleGreeting, arguments: queue, context: context(method))
        try process.start()
        seen["exitCode"] = try exitCode(of: process)
        seen["empty.filled"] = "\(queue.isEmpty)"
        seen["item"] = try queue.get() == "hello from \(process.name)" ? "the child's greeting" : "another"
        seen["empty.end"] = "\(queue.isEmpty)"
        return seen
    }

    public static let all: [RegisteredFunction] = [
        takeItems.registration, putItems.registration, putRange.registration, put.registration, get.registration,
        fork.registration, taskDone.registration, simpleQueueEmpty.registration,
    ]
}
