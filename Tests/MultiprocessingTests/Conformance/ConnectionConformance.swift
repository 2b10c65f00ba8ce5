import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    /// CPython's `_TestConnection`.
    struct ConnectionConformance {
        // CPython: _TestConnection.test_connection
        @Test(arguments: allMethods)
        func connection(method: StartMethod) throws {
            let seen = try observe(ConnectionScenarios.connection, method)
            #expect(seen == [
                "poll.empty": "false", "recv": "true", "recvBytes": "true", "recvBytes.long": "true",
                "poll.nothing": "false", "poll.timeout": "false", "poll.timeout.timing": inTime,
                "poll.ready": "true", "poll.ready.timing": inTime, "poll.again": "true", "recv.none": "None",
                "recvBytes.big": "true", "readable": "true", "writable": "true", "exitCode": "0",
                "recv.eof": "endOfFile", "recvBytes.eof": "endOfFile",
            ])
        }

        // CPython: _TestConnection.test_duplex_false
        @Test
        func duplexFalse() throws {
            let (reader, writer) = try Pipe(duplex: false)
            try writer.send(1)
            #expect(try reader.recv(Int.self) == 1)
            #expect(reader.readable && !reader.writable)
            #expect(!writer.readable && writer.writable)
            #expect(throws: MultiprocessingError.self) { try reader.send(2) }
            #expect(throws: MultiprocessingError.self) { try writer.recv(Int.self) }
            #expect(throws: MultiprocessingError.self) { try writer.poll() }
        }

        // CPython: _TestConnection.test_spawn_close
        @Test(arguments: allMethods)
        func spawnClose(method: StartMethod) throws {
            let seen = try observe(ConnectionScenarios.spawnClose, method)
            #expect(seen == ["echoed": "true", "exitCode": "0"])
        }

        // CPython: _TestConnection.test_sendbytes
        @Test
        func sendbytes() throws {
            let message = Array("abcdefghijklmnopqrstuvwxyz".utf8)
            let (a, b) = try Pipe()
            try a.sendBytes(message)
            #expect(try b.recvBytes() == message)
            try a.sendBytes(message, offset: 5)
            #expect(try b.recvBytes() == Array(message[5...]))
            try a.sendBytes(message, offset: 7, size: 8)
            #expect(try b.recvBytes() == Array(message[7..<15]))
            try a.sendBytes(message, offset: 26)
            #expect(try b.recvBytes() == [])
            try a.sendBytes(message, offset: 26, size: 0)
            #expect(try b.recvBytes() == [])
            for (offset, size) in [(27, nil), (22, 5), (26, 1), (-1, nil), (4, -1)] as [(Int, Int?)] {
                let error = #expect(throws: MultiprocessingError.self) {
                    try a.sendBytes(message, offset: offset, size: size)
                }
                #expect(error?.code == .invalidArgument)
            }
        }

        // CPython: _TestConnection.test_fd_transfer
        @Test(arguments: allMethods)
        func fdTransfer(method: StartMethod) throws {
            let seen = try observe(ConnectionScenarios.fdTransfer, method)
            #expect(seen == ["data": "foo", "exitCode": "0"])
        }

        // CPython: _TestConnection.test_large_fd_transfer
        @Test(arguments: allMethods)
        func largeFdTransfer(method: StartMethod) throws {
            let seen = try observe(ConnectionScenarios.largeFdTransfer, method)
            #expect(seen == ["data": "bar", "exitCode": "0", "received.large": "true"])
        }

        // CPython: _TestConnection.test_missing_fd_transfer
        @Test(arguments: allMethods)
        func missingFdTransfer(method: StartMethod) throws {
            let seen = try observe(ConnectionScenarios.missingFdTransfer, method)
            // Python raises RuntimeError; here the error is a MultiprocessingError, never a hang.
            #expect(seen == ["recvHandle": "codingFailed", "exitCode": "0"])
        }

        // CPython: _TestConnection.test_context
        @Test
        func context() throws {
            let (a, b) = try Pipe()
            try a.send(1729)
            #expect(try b.recv(Int.self) == 1729)
            #expect(!a.isClosed && !b.isClosed)
            a.close()
            b.close()
            #expect(a.isClosed && b.isClosed)
            let error = #expect(throws: MultiprocessingError.self) { try a.recv(Int.self) }
            #expect(error?.code == .closed)
            #expect(throws: MultiprocessingError.self) { try b.recv(Int.self) }
        }
    }
}
