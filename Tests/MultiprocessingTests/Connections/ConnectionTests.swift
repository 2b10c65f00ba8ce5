import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    struct ConnectionTests {
        @Test(arguments: [true, false])
        func sendsValuesAndBytesWithinOneProcess(duplex: Bool) throws {
            let (left, right) = try Pipe(duplex: duplex)
            // With duplex: false, the first end receives and the second sends.
            let (sender, receiver) = duplex ? (left, right) : (right, left)
            try sender.send([42, nil, 7] as [Int?])
            try sender.sendBytes([1, 2, 3])
            try sender.sendBytes([])
            #expect(try receiver.poll())
            #expect(try receiver.recv([Int?].self) == [42, nil, 7])
            #expect(try receiver.recvBytes() == [1, 2, 3])
            #expect(try receiver.recvBytes() == [])
            #expect(try !receiver.poll(timeout: .milliseconds(10)))
            if !duplex {
                #expect(throws: MultiprocessingError.self) { try receiver.send(1) }
            }
            sender.close()
            let error = #expect(throws: MultiprocessingError.self) { try receiver.recvBytes() }
            #expect(error?.code == .endOfFile)
            #expect(throws: MultiprocessingError.self) { try sender.send(1) }
            receiver.close()
        }

        /// CPython: _TestConnection.test_connection (recv_bytes_into, with an offset, and BufferTooShort).
        @Test
        func recvBytesIntoFillsTheCallersBufferOrSaysItIsTooShort() throws {
            let (left, right) = try Pipe()
            defer { left.close(); right.close() }
            var buffer = [UInt8](repeating: 0, count: 8)
            try left.sendBytes([1, 2, 3])
            let count = try buffer.withUnsafeMutableBytes { try right.recvBytes(into: $0, offset: 4) }
            #expect(count == 3 && buffer == [0, 0, 0, 0, 1, 2, 3, 0])
            try left.sendBytes(Array(1...6))
            let short = #expect(throws: MultiprocessingError.self) {
                try buffer.withUnsafeMutableBytes { try right.recvBytes(into: $0, offset: 4) }
            }
            #expect(short?.code == .bufferTooShort && short?.receivedMessage == Array(1...6))
            #expect(buffer == [0, 0, 0, 0, 1, 2, 3, 0], "nothing is written when it does not fit")
            let outside = #expect(throws: MultiprocessingError.self) {
                try buffer.withUnsafeMutableBytes { try right.recvBytes(into: $0, offset: 9) }
            }
            #expect(outside?.code == .invalidArgument)
        }

        @Test
        func aLargeMessageArrivesWhole() throws {
            // Larger than the socket buffer: the echoing child reads while we write.
            let context = workerContext(.spawn)
            let (parentEnd, childEnd) = try Pipe()
            let process = Process(target: TestFunctions.echo, arguments: childEnd, context: context)
            try process.start()
            let big = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            try parentEnd.sendBytes(big)
            #expect(try parentEnd.recvBytes() == big)
            try parentEnd.send(String(repeating: "x", count: 100_000))
            #expect(try parentEnd.recv(String.self).count == 100_000)
            parentEnd.close()
            #expect(try process.value(as: Int.self) == 2)
        }

        @Test
        func writingToAOneWayPipeWhoseReaderIsGoneIsAnErrorNotSIGPIPE() throws {
            let (reader, writer) = try Pipe(duplex: false)
            reader.close()
            let error = #expect(throws: MultiprocessingError.self) { try writer.send("anyone?") }
            #expect(error?.code == .endOfFile)
            #expect(throws: MultiprocessingError.self) { try writer.recvBytes() }
        }

        @Test
        func aConnectionSentOverAConnectionMovesAndWorks() throws {
            let (left, right) = try Pipe()
            let (mine, theirs) = try Pipe()
            try left.send(theirs)
            #expect(theirs.isClosed)
            let received = try right.recv(Connection.self)
            try mine.send(5)
            #expect(try received.recv(Int.self) == 5)
            // A closed connection cannot travel.
            let error = #expect(throws: MultiprocessingError.self) { try left.send(theirs) }
            #expect(error?.code == .codingFailed)
        }

        @Test(arguments: runnerMethods)
        func pingPongWithAChild(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let (parentEnd, childEnd) = try Pipe()
            let process = Process(target: TestFunctions.pingPong,
                                  arguments: PingPong(connection: childEnd, rounds: 100), context: context)
            try process.start()
            #expect(childEnd.isClosed)  // It moved to the child.
            for number in 0..<100 {
                try parentEnd.send([number, nil] as [Int?])
                #expect(try parentEnd.recv([Int?].self) == [number * 2, nil])
            }
            #expect(try process.value(as: Int.self) == 100)
        }

        @Test(arguments: runnerMethods)
        func aDeadPeerIsEndOfFileNotAHang(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let (parentEnd, childEnd) = try Pipe()
            let process = Process(target: TestFunctions.echo, arguments: childEnd, context: context)
            try process.start()
            try parentEnd.sendBytes([7])
            #expect(try parentEnd.recvBytes() == [7])
            try process.kill()
            let error = #expect(throws: MultiprocessingError.self) { try parentEnd.recvBytes() }
            #expect(error?.code == .endOfFile)
            try process.join()
            #expect(process.exitCode == -9)
            // Writing to the dead peer is an error too, not SIGPIPE.
            let sent = #expect(throws: MultiprocessingError.self) {
                for _ in 0..<100 { try parentEnd.sendBytes([1]) }
            }
            #expect(sent?.code == .endOfFile)
        }

        @Test(arguments: runnerMethods)
        func theChildSeesEndOfFileWhenWeClose(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let (parentEnd, childEnd) = try Pipe(duplex: true)
            let process = Process(target: TestFunctions.echo, arguments: childEnd, context: context)
            try process.start()
            for _ in 0..<5 {
                try parentEnd.sendBytes([1, 2])
                _ = try parentEnd.recvBytes()
            }
            parentEnd.close()
            #expect(try process.value(as: Int.self, timeout: .seconds(10)) == 5)
        }
    }
}
