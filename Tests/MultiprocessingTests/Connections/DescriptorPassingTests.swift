#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing
import MultiprocessingTestFunctions
import Testing

/// The number of shared-memory descriptors (memfds) open in this process.
func openSharedMemoryDescriptorCount() -> Int {
    guard let directory = opendir("/proc/self/fd") else { return -1 }
    defer { closedir(directory) }
    var count = 0
    var target = [CChar](repeating: 0, count: 256)
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        guard name != "." && name != ".." else { continue }
        let length = readlink("/proc/self/fd/\(name)", &target, target.count - 1)
        guard length > 0 else { continue }
        let link = String(decoding: target[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if link.hasPrefix("/memfd:") { count += 1 }
    }
    return count
}

/// Runs `body` and expects as many descriptors open afterwards as before (waiting a little for children's
/// descriptors that other threads close).
///
/// Only the shared memory that every resource maps (memfds) is counted: tests of other modules run in this process
/// at the same time, and open and close sockets, pipes and pidfds of their own (a runner's cell servers live
/// across tests).
func expectNoDescriptorLeak(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) rethrows {
    let before = openSharedMemoryDescriptorCount()
    try body()
    var after = openSharedMemoryDescriptorCount()
    for _ in 0..<20 where after != before {
        usleep(25_000)
        after = openSharedMemoryDescriptorCount()
    }
    #expect(after == before, "descriptors open before: \(before), after: \(after)", sourceLocation: sourceLocation)
}

/// Resources sent in a ``Connection``'s messages: descriptors over the pipe's socket (`SCM_RIGHTS`).
extension MultiprocessingSuite {
    struct DescriptorPassingTests {
        /// Sends `resources` from `sender` and receives them on `receiver`, in this process.
        private func roundTrip(_ sender: Connection, _ receiver: Connection) throws {
            let (mine, theirs) = try Pipe()
            let sent = Resources(lock: try Lock(), queue: try Queue<Int>(), connection: theirs,
                                 array: try SharedArray([1, 2], lock: false))
            try sender.send(sent)
            #expect(theirs.isClosed, "a connection sent moves")
            let received = try receiver.recv(Resources.self)
            try received.use()
            #expect(sent.array[0] == 42)
            #expect(try sent.queue.get(timeout: .seconds(5)) == 7)
            #expect(try mine.recv(String.self) == "hello")
            #expect(try sent.lock.acquire(block: false))
            try sent.lock.release()
        }

        @Test(arguments: [true, false])
        func resourcesTravelInAMessageAndWork(sharedMemory: Bool) throws {
            try expectNoDescriptorLeak {
                let (a, b) = try _makePipe(duplex: true, sharedMemory: sharedMemory)
                try roundTrip(a, b)
                try roundTrip(b, a)
                // Many in a row, and many descriptors in one message (more than one batch of 64).
                let values = try (0..<100).map { _ in try SharedValue<Int64>(0, lock: false) }
                for _ in 0..<3 {
                    try a.send(values)
                    let received = try b.recv([SharedValue<Int64>].self)
                    for value in received { value.value += 1 }
                }
                #expect(values.allSatisfy { $0.value == 3 })
            }
        }

        @Test
        func messagesWithAndWithoutDescriptorsKeepTheirOrder() throws {
            try expectNoDescriptorLeak {
                let (a, b) = try Pipe()
                let value = try SharedValue<Int32>(5)
                try a.send(1)
                try a.send(value)
                try a.sendBytes([9])
                try a.send(value)
                try a.send(2)
                #expect(try b.poll())
                #expect(try b.recv(Int.self) == 1)
                #expect(try b.recv(SharedValue<Int32>.self).value == 5)
                #expect(try b.recvBytes() == [9])
                // Read as bytes, a message's descriptors are closed.
                #expect(try b.recvBytes().isEmpty == false)
                #expect(try b.recv(Int.self) == 2)
                #expect(try !b.poll())
            }
        }

        @Test(arguments: runnerMethods)
        func aChildUsesResourcesItReceives(method: StartMethod) throws {
            defer { finishMethod(method) }
            let context = workerContext(method)
            do {
                let (here, there) = try Pipe()
                let child = Process(target: ResourceTestFunctions.useFromConnection, arguments: there,
                                    context: context)
                try child.start()
                let (mine, theirs) = try Pipe()
                let sent = Resources(lock: try Lock(), queue: try Queue<Int>(), connection: theirs,
                                     array: try SharedArray([1, 2], lock: false))
                try here.send(sent)
                #expect(try child.join(timeout: .seconds(20)))
                #expect(child.exitCode == 0)
                #expect(sent.array[0] == 42)
                #expect(try sent.queue.get(timeout: .seconds(5)) == 7)
                #expect(try mine.recv(String.self) == "hello")
                // The child's end was the only one left: it is closed.
                #expect(throws: MultiprocessingError.self) { _ = try mine.recv(String.self) }
            }
        }

        @Test(arguments: runnerMethods)
        func resourcesOutliveTheProcessThatSentThem(method: StartMethod) throws {
            defer { finishMethod(method) }
            let context = workerContext(method)
            let (here, there) = try Pipe()
            let child = Process(target: ResourceTestFunctions.sendFreshThroughConnection, arguments: there,
                                context: context)
            try child.start()
            #expect(try child.join(timeout: .seconds(20)))
            #expect(child.exitCode == 0)
            try expectNoDescriptorLeak {
                let received = try here.recv(Resources.self)
                #expect(received.array[0] == 99)
                #expect(try received.queue.get(timeout: .seconds(5)) == 5)
                #expect(try received.connection.recv(String.self) == "from the sender")
                let error = #expect(throws: MultiprocessingError.self) { _ = try received.connection.recv(String.self) }
                #expect(error?.code == .endOfFile)
                #expect(try received.lock.acquire(block: false))
                try received.lock.release()
            }
        }

        @Test
        func handlesTravelAsPythonsSendHandle() throws {
            try expectNoDescriptorLeak {
                let (a, b) = try Pipe()
                var ends: [Int32] = [-1, -1]
                #expect(pipe(&ends) == 0)
                try a.sendHandle(.init(rawValue: ends[1]))
                let received = try b.recvHandle()
                #expect(received.rawValue != ends[1])
                close(ends[1])
                let written = [UInt8]("through a passed descriptor".utf8)
                #expect(written.withUnsafeBytes { write(received.rawValue, $0.baseAddress, $0.count) } == written.count)
                close(received.rawValue)
                var read = [UInt8](repeating: 0, count: 64)
                let count = read.withUnsafeMutableBytes { Glibc.read(ends[0], $0.baseAddress, $0.count) }
                #expect(Array(read[..<max(count, 0)]) == written)
                close(ends[0])
            }
        }

        @Test
        func badDescriptorMessagesAreClearErrorsNotHangs() throws {
            try expectNoDescriptorLeak {
                let (a, b) = try Pipe()
                // A message without a descriptor, received as a handle or as a resource.
                try a.send(3)
                var error = #expect(throws: MultiprocessingError.self) { _ = try b.recvHandle() }
                #expect(error?.code == .codingFailed)
                try a.sendBytes([0])
                error = #expect(throws: MultiprocessingError.self) { _ = try b.recv(Lock.self) }
                #expect(error?.code == .codingFailed)
                // A message with descriptors received as something else: they are closed.
                try a.send(try Lock())
                error = #expect(throws: MultiprocessingError.self) { _ = try b.recvHandle() }
                #expect(error?.code == .codingFailed)
                try a.send([try Lock(), try Lock()])
                error = #expect(throws: MultiprocessingError.self) { _ = try b.recv(Int.self) }
                #expect(error?.code == .codingFailed)
                // A closed descriptor, a closed connection.
                error = #expect(throws: MultiprocessingError.self) { try a.sendHandle(.init(rawValue: 9_999)) }
                #expect(error?.code == .invalidArgument)
                let (c, d) = try Pipe()
                d.close()
                error = #expect(throws: MultiprocessingError.self) { try a.send(d) }
                #expect(error?.code == .codingFailed)
                // Outside a message, a queue's item, a pool's task or a process's arguments, a resource still
                // cannot be encoded.
                error = #expect(throws: MultiprocessingError.self) { _ = try BinaryEncoder().encode(try Lock()) }
                #expect(error?.code == .codingFailed)
                c.close()
                #expect(try !b.poll())
            }
        }

        // Python's `send_bytes(buffer, offset, size)` (the ValueError cases are in the conformance test).
        @Test
        func sendBytesSendsTheRangeAsked() throws {
            let (a, b) = try Pipe()
            let bytes = Array(0..<10) as [UInt8]
            try a.sendBytes(bytes, offset: 3)
            #expect(try b.recvBytes() == Array(bytes[3...]))
            try a.sendBytes(bytes, offset: 2, size: 4)
            #expect(try b.recvBytes() == [2, 3, 4, 5])
            let error = #expect(throws: MultiprocessingError.self) { try a.sendBytes(bytes, offset: 8, size: 3) }
            #expect(error?.code == .invalidArgument)
        }
    }
}
