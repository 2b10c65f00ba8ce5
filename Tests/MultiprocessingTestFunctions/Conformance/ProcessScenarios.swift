// The scenarios of CPython's `_TestProcess`, `_TestSubclassingProcess.test_sys_exit` and `TestStartMethod`.
#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing

public struct WaitThenReport: Codable, Sendable {
    public var event: Event
    public var values: [String]
}

public struct Recursion: Codable, Sendable {
    public var queue: Queue<[Int]>
    public var id: [Int]
    public var method: String
}

public enum ProcessScenarios {
    /// Waits for `event` (10 s at most), then returns its name, its pid and its arguments.
    public static let waitThenReport = ProcessFunction("conformance.process.waitThenReport") {
        (arguments: WaitThenReport) -> [String] in
        _ = arguments.event.wait(timeout: .seconds(10))
        return [currentProcess().name, String(ProcessID.current.rawValue)] + arguments.values
    }

    /// Returns its arguments.
    public static let echoArguments = ProcessFunction("conformance.process.echoArguments") {
        (arguments: Pair<[Int], String>) in arguments
    }

    /// Puts its id on the queue and, for ids shorter than 2, starts two children one after the other.
    public static let recurse: ProcessFunction<Recursion, Empty> = ProcessFunction("conformance.process.recurse") {
        (arguments: Recursion) -> Empty in
        try arguments.queue.put(arguments.id)
        if arguments.id.count < 2 {
            for index in 0..<2 {
                let child = Process(
                    target: recurse,
                    arguments: Recursion(queue: arguments.queue, id: arguments.id + [index], method: arguments.method),
                    context: context(arguments.method))
                try child.start()
                try child.join(timeout: .seconds(20))
            }
        }
        return Empty()
    }

    /// Starts two children of its own and returns its name and theirs.
    public static let nameChildren = ProcessFunction("conformance.process.nameChildren") {
        (method: String) -> [String] in
        var names = [currentProcess().name]
        for _ in 0..<2 {
            let child = Process(target: TestFunctions.square, arguments: 1, context: context(method))
            try child.start()
            try child.join(timeout: .seconds(10))
            names.append(child.name)
        }
        return names
    }

    /// The start method a plain `Process` would use in this child: Python's `get_start_method()`.
    public static let reportStartMethod = ProcessFunction("conformance.process.startMethod") { (_: Empty) -> String in
        Context.default.startMethod.rawValue
    }

    // CPython: _TestProcess.test_process
    public static let process = Scenario("conformance.process.process") { method in
        var seen = Observations()
        let event = try Event()
        let process = Process(target: waitThenReport, arguments: WaitThenReport(event: event, values: ["a", "b"]),
                              daemon: true, context: context(method))
        seen["before"] = "alive=\(process.isAlive) daemon=\(process.daemon) exitCode=\(describe(process.exitCode)) "
            + "active=\(activeChildren().contains { $0 === process })"
        try process.start()
        seen["started"] = "alive=\(process.isAlive) exitCode=\(describe(process.exitCode)) "
            + "active=\(activeChildren().contains { $0 === process })"
        event.set()
        let reply = try process.value(as: [String].self, timeout: .seconds(10))
        seen["child.name"] = reply[0] == process.name ? "its name" : "\(reply[0]), not \(process.name)"
        seen["child.pid"] = reply[1] == describe(process.pid) ? "its pid" : "\(reply[1]), not \(describe(process.pid))"
        seen["child.arguments"] = reply.dropFirst(2).joined(separator: ",")
        seen["joined"] = "alive=\(process.isAlive) exitCode=\(describe(process.exitCode)) "
            + "active=\(activeChildren().contains { $0 === process })"
        return seen
    }

    // CPython: _TestProcess.test_args_argument
    public static let argsArgument = Scenario("conformance.process.argsArgument") { method in
        var seen = Observations()
        for (numbers, text) in [([Int](), ""), ([1], "one"), ([1, 2, 3], "three")] {
            let process = Process(target: echoArguments, arguments: Pair(numbers, text), context: context(method))
            try process.start()
            let back = try process.value(as: Pair<[Int], String>.self, timeout: .seconds(10))
            seen["\(numbers.count)"] = back.first == numbers && back.second == text ? "same" : "\(back)"
        }
        return seen
    }

    // CPython: _TestProcess.test_daemon_argument
    public static let daemonArgument = Scenario("conformance.process.daemonArgument") { method in
        var seen = Observations()
        let plain = Process(target: TestFunctions.identity, context: context(method))
        let daemonic = Process(target: TestFunctions.identity, daemon: true, context: context(method))
        seen["default"] = "\(plain.daemon)"
        seen["given"] = "\(daemonic.daemon)"
        try plain.start()
        try daemonic.start()
        seen["child.default"] = try plain.value(as: [String].self, timeout: .seconds(10))[2]
        seen["child.given"] = try daemonic.value(as: [String].self, timeout: .seconds(10))[2]
        return seen
    }

    // CPython: _TestProcess.test_parent_process_attributes
    public static let parentProcessAttributes = Scenario("conformance.process.parentAttributes") { method in
        let process = Process(target: TestFunctions.identity, context: context(method))
        try process.start()
        let identity = try process.value(as: [String].self, timeout: .seconds(10))
        return [
            "parent.name": identity[1] == currentProcess().name ? "ours" : identity[1],
            "parent.pid": identity[3] == String(getpid()) ? "ours" : identity[3],
        ]
    }

    /// Starts a sleeper, checks a short join times out, sends `signal` and joins.
    static func stop(_ method: String, _ signal: Signal) throws -> Observations {
        var seen = Observations()
        let process = Process(target: TestFunctions.sleep, arguments: 60_000, context: context(method))
        try process.start()
        let start = ContinuousClock.now
        seen["join.timeout"] = "\(try process.join(timeout: .milliseconds(100)))"
        seen["join.timing"] = timing(milliseconds(since: start), expected: 100)
        seen["alive"] = "\(process.isAlive)"
        try process.send(signal)
        seen["joined"] = "\(try process.join(timeout: .seconds(10)))"
        seen["alive.after"] = "\(process.isAlive)"
        seen["exitCode"] = describe(process.exitCode)
        return seen
    }

    // CPython: _TestProcess.test_terminate
    public static let terminate = Scenario("conformance.process.terminate") { method in try stop(method, .terminate) }

    // CPython: _TestProcess.test_kill
    public static let kill = Scenario("conformance.process.kill") { method in try stop(method, .kill) }

    // CPython: _TestProcess.test_active_children
    public static let activeChildrenScenario = Scenario("conformance.process.activeChildren") { method in
        var seen = Observations()
        let event = try Event()
        let process = Process(target: waitThenReport, arguments: WaitThenReport(event: event, values: []),
                              context: context(method))
        seen["before"] = "\(activeChildren().contains { $0 === process })"
        try process.start()
        seen["running"] = "\(activeChildren().contains { $0 === process })"
        event.set()
        try process.join(timeout: .seconds(10))
        seen["joined"] = "\(activeChildren().contains { $0 === process })"
        return seen
    }

    // CPython: _TestProcess.test_recursion
    public static let recursion = Scenario("conformance.process.recursion") { method in
        let queue = try Queue<[Int]>()
        let root = Process(target: recurse, arguments: Recursion(queue: queue, id: [], method: method),
                           context: context(method))
        try root.start()
        let code = try exitCode(of: root)
        var ids: [String] = []
        while let id = try? queue.get(timeout: .milliseconds(100)) {
            ids.append(id.map(String.init).joined(separator: "."))
        }
        return ["exitCode": code, "ids": ids.map { "[\($0)]" }.joined(separator: " ")]
    }

    // CPython: _TestProcess.test_many_processes
    public static let manyProcesses = Scenario("conformance.process.manyProcesses") { method in
        let count = 5
        let finishing = (0..<count).map { _ in
            Process(target: TestFunctions.square, arguments: 3, context: context(method))
        }
        for process in finishing { try process.start() }
        let finished = try finishing.map { try exitCode(of: $0) }
        let sleeping = (0..<count).map { _ in
            Process(target: TestFunctions.sleep, arguments: 60_000, context: context(method))
        }
        for process in sleeping { try process.start() }
        for process in sleeping { try process.terminate() }
        let terminated = try sleeping.map { try exitCode(of: $0) }
        return ["finished": finished.joined(separator: ","), "terminated": terminated.joined(separator: ",")]
    }

    // CPython: _TestSubclassingProcess.test_sys_exit
    public static let sysExit = Scenario("conformance.process.sysExit") { method in
        var seen = Observations()
        for code: Int32 in [1, 0, 8] {
            let process = Process(target: TestFunctions.exitSilently, arguments: code, context: context(method))
            try process.start()
            seen["\(code)"] = try exitCode(of: process)
        }
        return seen
    }

    /// The names a process gets, at creation and at start, in the parent and in a child's own children.
    // CPython: _TestProcess.test_process (p.name), as BaseProcess.__init__ names processes
    public static let names = Scenario("conformance.process.names") { method in
        var seen = Observations()
        let first = Process(target: TestFunctions.square, arguments: 1, context: context(method))
        let second = Process(target: TestFunctions.square, arguments: 1, context: context(method))
        let createdName = first.name
        // `Process-N` in the main process, `Process-M:N` in a child (the fork case runs in one).
        let number = { (name: String) in Int(name.split(whereSeparator: { $0 == "-" || $0 == ":" }).last ?? "") }
        seen["named at creation"] = "\(createdName.hasPrefix("Process-") && number(createdName) != nil)"
        try second.start()
        try first.start()
        try first.join(timeout: .seconds(10))
        try second.join(timeout: .seconds(10))
        seen["name kept at start"] = "\(first.name == createdName)"
        let firstNumber = number(first.name) ?? -1
        let secondNumber = number(second.name) ?? -1
        seen["numbered in creation order"] = "\(firstNumber < secondNumber)"

        let parent = Process(target: nameChildren, arguments: method, context: context(method))
        try parent.start()
        let names = try parent.value(as: [String].self, timeout: .seconds(20))
        seen["children of a child"] = names.count == 3 && names[1] == names[0] + ":1" && names[2] == names[0] + ":2"
            ? "Process-N:1, Process-N:2" : names.joined(separator: ",")
        return seen
    }

    // CPython: TestStartMethod.test_context (check_context)
    public static let startMethodInChild = Scenario("conformance.process.startMethodInChild") { method in
        ["child": try reportStartMethod.run(Empty(), context: context(method))]
    }

    public static let all: [RegisteredFunction] = [
        waitThenReport.registration, echoArguments.registration, recurse.registration, nameChildren.registration,
        reportStartMethod.registration, process.registration, argsArgument.registration,
        daemonArgument.registration, parentProcessAttributes.registration, terminate.registration,
        kill.registration, activeChildrenScenario.registration, recursion.registration, manyProcesses.registration,
        sysExit.registration, names.registration, startMethodInChild.registration,
    ]
}
