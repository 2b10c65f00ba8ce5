// The registered functions the Multiprocessing tests run in child processes. The worker executable
// (`multiprocessing-test-worker`) registers them and calls `bootstrap`; the tests start them by these handles.
#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing

/// An error a child throws on purpose.
public struct PlannedFailure: Error, CustomStringConvertible {
    public var description: String
}

public enum TestFunctions {
    public static let square = ProcessFunction("test.square") { (number: Int) in number * number }

    /// The sum of the bytes it is given, and how many there were.
    public static let sumBytes = ProcessFunction("test.sumbytes") { (bytes: [UInt8]) -> [Int] in
        [bytes.reduce(0) { $0 + Int($1) }, bytes.count]
    }

    public static let fail = ProcessFunction("test.fail") { (message: String) -> Int in
        throw PlannedFailure(description: message)
    }

    /// Raises `signal` against itself.
    public static let raiseSignal = ProcessFunction("test.raise") { (signal: Int32) -> Int in
        raise(signal)
        return 0
    }

    /// Exits with `code` without answering.
    public static let exitSilently = ProcessFunction("test.exit") { (code: Int32) -> Int in
        _exit(code)
    }

    public static let sleep = ProcessFunction("test.sleep") { (milliseconds: Int) -> Int in
        usleep(UInt32(milliseconds) * 1000)
        return milliseconds
    }

    /// Prints `count` lines to stdout and stderr, without flushing: the bootstrap must.
    public static let printLines = ProcessFunction("test.print") { (count: Int) -> Int in
        for line in 1...count {
            print("out \(line)")
        }
        StandardStreams.writeError("err done\n")
        return count
    }

    /// The child's own name, its parent's name, and whether it is daemonic.
    public static let identity = ProcessFunction("test.identity") { (_: Empty) -> [String] in
        [currentProcess().name, parentProcess()?.name ?? "none", String(currentProcess().daemon),
         String(parentProcess()?.pid.rawValue ?? 0)]
    }

    /// The child's name, its identity, the name of a process it creates (and never starts), and its default start
    /// method: how a child names its own children and starts them.
    public static let lineage = ProcessFunction("test.lineage") { (_: Empty) -> [String] in
        let grandchild = Process(target: TestFunctions.identity)
        return [currentProcess().name, CurrentIdentityText.current(), grandchild.name, getStartMethod().rawValue]
    }

    /// What ``currentProcess()`` and ``parentProcess()`` say in the child: its authkey in hex, whether it and its
    /// parent are alive, its exit code, and whether its ident is its pid.
    public static let currentMembers = ProcessFunction("test.currentMembers") { (_: Empty) -> [String] in
        let me = currentProcess()
        return [me.authkey.map { String($0, radix: 16) }.joined(), String(me.isAlive),
                String(parentProcess()?.isAlive ?? false), me.exitCode.map(String.init) ?? "nil",
                String(me.ident == me.pid)]
    }

    /// Sends back every message until end of file; returns how many.
    public static let echo = ProcessFunction("test.echo") { (connection: Connection) -> Int in
        var count = 0
        while true {
            do {
                let bytes = try connection.recvBytes()
                try connection.sendBytes(bytes)
                count += 1
            } catch let error as MultiprocessingError where error.code == .endOfFile {
                return count
            }
        }
    }

    /// Holds a connection without ever receiving from it, until killed.
    public static let holdWithoutReading = ProcessFunction("test.hold") { (connection: Connection) -> Int in
        while true { Glibc.sleep(60) }
    }

    /// Receives `[Int?]` messages and sends them back with the first element doubled, `rounds` times.
    public static let pingPong = ProcessFunction("test.pingpong") { (arguments: PingPong) -> Int in
        for _ in 0..<arguments.rounds {
            var message: [Int?] = try arguments.connection.recv()
            message[0] = message[0].map { $0 * 2 }
            try arguments.connection.send(message)
        }
        return arguments.rounds
    }

    /// Puts 0..<count on the queue.
    public static let produce = ProcessFunction("test.produce") { (arguments: Produce) -> Int in
        for number in 0..<arguments.count { try arguments.queue.put(number) }
        return arguments.count
    }

    /// Takes numbers until -1 and puts their squares on `results`, marking each task done.
    public static let squareWorker = ProcessFunction("test.squareworker") { (arguments: SquareWorker) -> Int in
        var handled = 0
        while true {
            let number = try arguments.tasks.get(timeout: .seconds(10))
            defer { try? arguments.tasks.taskDone() }
            if number < 0 { return handled }
            try arguments.results.put(number * number)
            handled += 1
        }
    }

    /// Puts a greeting on a simple queue and reads a reply from it.
    public static let simpleGreeting = ProcessFunction("test.simple") { (queue: SimpleQueue<String>) -> String in
        try queue.put("hello from \(currentProcess().name)")
        return "sent"
    }

    /// The descriptors open in the child.
    public static let openDescriptors = ProcessFunction("test.fds") { (_: Empty) -> [Int32] in
        openDescriptorList()
    }

    /// Starts a long sleeper child (daemonic or not) of its own, reports its pid over `report`, and then either
    /// returns (the bootstrap's clean-up must terminate a daemonic sleeper) or sleeps until killed.
    public static let startSleeper = ProcessFunction("test.startsleeper") { (arguments: StartSleeper) -> Int32 in
        let sleeper = Process(target: TestFunctions.sleep, arguments: 60_000, daemon: arguments.daemon)
        try sleeper.start()
        let pid = sleeper.pid!.rawValue
        try arguments.report.send(pid)
        if arguments.waitForever {
            while true { pause() }
        }
        return pid
    }

    /// Runs a scenario with the `fork` start method inside this single-threaded worker, and returns
    /// what it observed as lines `name=value`.
    public static let forkScenario = ProcessFunction("test.forkscenario") { (_: Empty) -> [String] in
        try ForkScenario.run()
    }

    public static let all: [RegisteredFunction] = [
        square.registration, sumBytes.registration, fail.registration, raiseSignal.registration,
        exitSilently.registration, sleep.registration, printLines.registration, identity.registration, echo.registration,
        pingPong.registration, produce.registration, squareWorker.registration, simpleGreeting.registration,
        openDescriptors.registration, startSleeper.registration, forkScenario.registration,
        holdWithoutReading.registration, lineage.registration, currentMembers.registration,
    ] + SynchronizationTestFunctions.all + ManagerTestFunctions.all + ManagerProxyTestFunctions.all
        + PoolTestFunctions.all + ConformanceFunctions.all
        + SharedMemoryTestFunctions.all
        + ResourceTestFunctions.all
}

public struct PingPong: Codable, Sendable {
    public var connection: Connection
    public var rounds: Int
    public init(connection: Connection, rounds: Int) {
        self.connection = connection
        self.rounds = rounds
    }
}

public struct Produce: Codable, Sendable {
    public var queue: Queue<Int>
    public var count: Int
    public init(queue: Queue<Int>, count: Int) {
        self.queue = queue
        self.count = count
    }
}

public struct SquareWorker: Codable, Sendable {
    public var tasks: JoinableQueue<Int>
    public var results: Queue<Int>
    public init(tasks: JoinableQueue<Int>, results: Queue<Int>) {
        self.tasks = tasks
        self.results = results
    }
}

public struct StartSleeper: Codable, Sendable {
    public var report: Connection
    public var daemon: Bool
    public var waitForever: Bool
    public init(report: Connection, daemon: Bool, waitForever: Bool) {
        self.report = report
        self.daemon = daemon
        self.waitForever = waitForever
    }
}

/// The descriptors open in this process, from /proc/self/fd (the directory's own descriptor left out).
public func openDescriptorList() -> [Int32] {
    guard let directory = opendir("/proc/self/fd") else { return [] }
    defer { closedir(directory) }
    let own = dirfd(directory)
    var result: [Int32] = []
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
        }
        if let number = Int32(name), number != own { result.append(number) }
    }
    return result.sorted()
}

/// The fork start method cannot be tested in the multi-threaded test runner, so the worker runs it.
enum ForkScenario {
    static func run() throws -> [String] {
        let fork = getContext(.fork)
        var lines: [String] = []
        lines.append("square=\(try TestFunctions.square.run(7, context: fork))")

        let (parentEnd, childEnd) = try Pipe()
        let ping = Process(target: TestFunctions.pingPong, arguments: PingPong(connection: childEnd, rounds: 3),
                           context: fork)
        try ping.start()
        var replies: [Int] = []
        for number in 1...3 {
            try parentEnd.send([number, nil] as [Int?])
            replies.append((try parentEnd.recv([Int?].self))[0]!)
        }
        lines.append("pingpong=\(replies.map(String.init).joined(separator: ","))")
        lines.append("pingpong-value=\(try ping.value(as: Int.self))")

        let queue = try Queue<Int>()
        let producer = Process(target: TestFunctions.produce, arguments: Produce(queue: queue, count: 1000),
                               context: fork)
        try producer.start()
        var sum = 0
        for _ in 0..<1000 { sum += try queue.get(timeout: .seconds(10)) }
        try producer.join()
        lines.append("queue-sum=\(sum)")

        do {
            _ = try TestFunctions.fail.run("planned", context: fork)
            lines.append("fail=no error")
        } catch {
            lines.append("fail=\(error.code) \(error.remoteDescription ?? "")")
        }

        let sleeper = Process(target: TestFunctions.sleep, arguments: 60_000, context: fork)
        try sleeper.start()
        try sleeper.kill()
        try sleeper.join()
        lines.append("killed=\(sleeper.exitCode.map(String.init) ?? "nil")")

        let identity = try TestFunctions.identity.run(Empty(), context: fork)
        lines.append("identity=\(identity[0]),\(identity[1])")
        let lineage = try TestFunctions.lineage.run(Empty(), context: fork)
        lines.append("lineage-start-method=\(lineage[3])")

        let before = openDescriptorList()
        for _ in 0..<2000 {
            let process = Process(target: TestFunctions.square, arguments: 2, context: fork)
            try process.start()
            try process.join()
            guard process.exitCode == 0 else { throw PlannedFailure(description: "a start failed") }
        }
        let after = openDescriptorList()
        lines.append("leaked-descriptors=\(after.count - before.count)")
        lines.append("children-left=\(activeChildren().count)")
        return lines
    }
}

/// A process's identity as text, `1:2`, read through a process it creates (the identity itself is internal).
enum CurrentIdentityText {
    static func current() -> String {
        let probe = Process(target: TestFunctions.identity)
        return probe.identity.dropLast().map(String.init).joined(separator: ":")
    }
}
