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

    /// CPython's `_TestConnection._writefd`: receives a descriptor and writes `data` to it; with `dummies` true,
    /// fills the descriptor table up to 256 first, so that the descriptor received is a large one. Returns the
    /// descriptor's number.
    public static let writeDescriptor = ProcessFunction("conformance.connection.writefd") {
        (arguments: Pair<Connection, Pair<String, Bool>>) -> Int32 in
        let connection = arguments.first
        var dummies: [Int32] = []
        if arguments.second.second {
            while (dummies.last ?? -1) < 256 {
                let dummy = dup(2)
                guard dummy >= 0 else { break }
                dummies.append(dummy)
            }
        }
        let descriptor = try connection.recvHandle().rawValue
        for dummy in dummies { close(dummy) }
        let data = Array(arguments.second.first.utf8)
        _ = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        return descriptor
    }

    /// CPython's `_TestConnection._send_data_without_fd`: a message with no descriptor.
    public static let sendWithoutDescriptor = ProcessFunction("conformance.connection.sendWithoutFd") {
        (connection: Connection) in
        try connection.sendBytes([0])
    }

    /// Sends a new file's descriptor (from 256 on when `large`) to a child that writes `data` to it, and reads the
    /// file back.
    static func transferDescriptor(_ method: String, data: String, large: Bool) throws -> Observations {
        var seen = Observations()
        let (connection, childEnd) = try Pipe()
        let process = Process(target: writeDescriptor, arguments: Pair(childEnd, Pair(data, large)), daemon: true,
                              context: context(method))
        try process.start()
        var template = Array("/tmp/conformance-fd-XXXXXX".utf8CString)
        let file = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { unlink(path) }
        var sent = file
        if large {
            // CPython: the first free descriptor from 256 (its MAXFD) on.
            var candidate: Int32 = 256
            while fcntl(candidate, F_GETFD) >= 0 { candidate += 1 }
            sent = dup2(file, candidate)
        }
        try connection.sendHandle(.init(rawValue: sent))
        if large { close(sent) }
        close(file)
        seen["exitCode"] = try exitCode(of: process)
        if large { seen["received.large"] = "\(try process.value(as: Int32.self) >= 256)" }
        let reading = open(path, O_RDONLY)
        var bytes = [UInt8](repeating: 0, count: 64)
        let count = bytes.withUnsafeMutableBytes { read(reading, $0.baseAddress, $0.count) }
        close(reading)
        seen["data"] = String(decoding: bytes[..<max(count, 0)], as: UTF8.self)
        return seen
    }

    // CPython: _TestConnection.test_fd_transfer
    public static let fdTransfer = Scenario("conformance.connection.fdTransfer") { method in
        try transferDescriptor(method, data: "foo", large: false)
    }

    // CPython: _TestConnection.test_large_fd_transfer
    public static let largeFdTransfer = Scenario("conformance.connection.largeFdTransfer") { method in
        try transferDescriptor(method, data: "bar", large: true)
    }

    // CPython: _TestConnection.test_missing_fd_transfer
    public static let missingFdTransfer = Scenario("conformance.connection.missingFdTransfer") { method in
        let (connection, childEnd) = try Pipe()
        let process = Process(target: sendWithoutDescriptor, arguments: childEnd, daemon: true,
                              context: context(method))
        try process.start()
        let received = errorCode { _ = try connection.recvHandle() }
        return ["recvHandle": received, "exitCode": try exitCode(of: process)]
    }

    public static let all: [RegisteredFunction] = [
        echo.registration, sendStrings.registration, connection.registration, spawnClose.registration,
        strings.registration, writeDescriptor.registration, sendWithoutDescriptor.registration,
        fdTransfer.registration, largeFdTransfer.registration, missingFdTransfer.registration,
    ]
}
