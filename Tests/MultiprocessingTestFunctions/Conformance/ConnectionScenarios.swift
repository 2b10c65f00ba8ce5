// The scenarios of CPython's `_TestConnection` and `_TestPoll` that involve child processes.
#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing

public enum ConnectionScenarios {
    /// CPython's `_TestConnection._echo`: sends back every message until an empty one (its `SENTINEL`).
    public static let echo = ProcessFunction("conformance.connection.echo") { (connection: Connection) -> Empty in
        while true {
            let bytes = try connection.recvBytes()
            if bytes.isEmpty { return Empty() }
            try connection.sendBytes(bytes)
        }
    }

    /// CPython's `_TestPoll._child_strings`: sends each string, pausing between them.
    public static let sendStrings = ProcessFunction("conformance.poll.strings") {
        (arguments: Pair<Connection, [String]>) -> Empty in
        for string in arguments.second {
            usleep(5_000)
            try arguments.first.sendBytes(Array(string.utf8))
        }
        return Empty()
    }

    // CPython: _TestConnection.test_connection
    public static let connection = Scenario("conformance.connection.connection") { method in
        var seen = Observations()
        let (connection, childEnd) = try Pipe()
        let process = Process(target: echo, arguments: childEnd, daemon: true, context: context(method))
        try process.start()
        let sequence: [ManagedValue] = [1, 2.25, nil]
        let message = Array("hello world".utf8)
        seen["poll.empty"] = "\(try connection.poll())"
        try connection.send(sequence)
        seen["recv"] = "\(try connection.recv([ManagedValue].self) == sequence)"
        try connection.sendBytes(message)
        seen["recvBytes"] = "\(try connection.recvBytes() == message)"
        try connection.sendBytes(message + message)
        seen["recvBytes.long"] = "\(try connection.recvBytes() == message + message)"
        seen["poll.nothing"] = "\(try connection.poll())"
        var start = ContinuousClock.now
        seen["poll.timeout"] = "\(try connection.poll(timeout: .milliseconds(100)))"
        seen["poll.timeout.timing"] = timing(milliseconds(since: start), expected: 100)
        try connection.send(ManagedValue.none)
        usleep(100_000)
        start = ContinuousClock.now
        seen["poll.ready"] = "\(try connection.poll(timeout: .milliseconds(100)))"
        seen["poll.ready.timing"] = timing(milliseconds(since: start), expected: 0)
        seen["poll.again"] = "\(try connection.poll())"
        seen["recv.none"] = "\(try connection.recv(ManagedValue.self))"
        let big = [UInt8](repeating: UInt8(ascii: "X"), count: 2 << 20)
        try connection.sendBytes(big)
        seen["recvBytes.big"] = "\(try connection.recvBytes() == big)"
        try connection.sendBytes([])
        seen["readable"] = "\(connection.readable)"
        seen["writable"] = "\(connection.writable)"
        seen["exitCode"] = try exitCode(of: process)
        seen["recv.eof"] = errorCode { _ = try connection.recv(Int.self) }
        seen["recvBytes.eof"] = errorCode { _ = try connection.recvBytes() }
        return seen
    }

    // CPython: _TestConnection.test_spawn_close
    public static let spawnClose = Scenario("conformance.connection.spawnClose") { method in
        let (connection, childEnd) = try Pipe()
        let process = Process(target: echo, arguments: childEnd, daemon: true, context: context(method))
        try process.start()
        childEnd.close()
        let message = Array("hello".utf8)
        try connection.sendBytes(message)
        let echoed = try connection.recvBytes() == message
        try connection.sendBytes([])
        connection.close()
        return ["echoed": "\(echoed)", "exitCode": try exitCode(of: process)]
    }

    // CPython: _TestPoll.test_strings
    public static let strings = Scenario("conformance.poll.strings.scenario") { method in
        let strings = ["hello", "", "a", "b", "", "bye", "", "lop"]
        let (reader, writer) = try Pipe()
        let process = Process(target: sendStrings, arguments: Pair(writer, strings), context: context(method))
        try process.start()
        var received: [String] = []
        for _ in strings {
            for _ in 0..<200 { if try reader.poll(timeout: .milliseconds(10)) { break } }
            received.append(String(decoding: try reader.recvBytes(), as: UTF8.self))
        }
        return ["received": "\(received == strings)", "exitCode": try exitCode(of: process)]
    }

    public static let all: [RegisteredFunction] = [
        echo.registration, sendStrings.registration, connection.registration, spawnClose.registration,
        strings.registration,
    ]
}
