#if canImport(Glibc)
import Glibc
#endif
@testable import Multiprocessing
import MultiprocessingTestFunctions
import Synchronization
import Testing

/// A pipe's bytes in shared memory (`PipeMemory`, `ByteRing`): wrapping, waiting for room, waking a sleeper, and
/// the other end's close or death.
extension MultiprocessingSuite {
    struct PipeMemoryTests {
        /// Bytes that would stand at `index` in a message of `size` bytes, numbered `message`.
        private static func pattern(_ message: Int, _ size: Int) -> [UInt8] {
            (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ message) }
        }

        @Test(arguments: [true, false])
        func messagesWrapAroundTheRingWhole(duplex: Bool) throws {
            let (left, right) = try Pipe(duplex: duplex)
            let (sender, receiver) = duplex ? (left, right) : (right, left)
            // Sizes that do not divide the ring: frames straddle its end in every possible way.
            var total = 0
            var message = 0
            while total < 4 * PipeMemory.capacity {
                let size = (message * 977) % 5_000
                try sender.sendBytes(Self.pattern(message, size))
                try sender.sendBytes(Self.pattern(message + 1, 3))
                #expect(try receiver.recvBytes() == Self.pattern(message, size))
                #expect(try receiver.recvBytes() == Self.pattern(message + 1, 3))
                total += size + 3 + 8
                message += 1
            }
            #expect(try !receiver.poll())
        }

        @Test
        func aSenderWaitsForRoomWhileTheReceiverIsBehind() throws {
            let (receiver, sender) = try Pipe(duplex: false)
            let count = 40
            let size = 10_000   // 400 kB in all: six times the ring
            let thread = TestThread {
                for message in 0..<count { try? sender.sendBytes(Self.pattern(message, size)) }
            }
            usleep(50_000)   // The sender fills the ring and waits.
            for message in 0..<count {
                #expect(try receiver.recvBytes() == Self.pattern(message, size))
            }
            thread.join()
        }

        @Test
        func concurrentSendersNeverInterleaveTheirMessages() throws {
            let (left, right) = try Pipe()
            let threads = (0..<4).map { sender in
                TestThread {
                    for _ in 0..<200 { try? left.sendBytes(Self.pattern(sender, 1_000 + sender)) }
                }
            }
            var seen = [Int](repeating: 0, count: 4)
            for _ in 0..<800 {
                let bytes = try right.recvBytes()
                let sender = bytes.count - 1_000
                #expect(bytes == Self.pattern(sender, bytes.count))
                seen[sender] += 1
            }
            for thread in threads { thread.join() }
            #expect(seen == [200, 200, 200, 200])
        }

        @Test
        func aSleepingReceiverIsWokenWhenAMessageArrives() throws {
            let (left, right) = try Pipe()
            let polled = Mutex<Bool?>(nil)
            let thread = TestThread {
                let ready = try? right.poll(timeout: .seconds(20))
                polled.withLock { $0 = ready }
            }
            usleep(300_000)   // Far longer than any polling: the receiver sleeps on the socket.
            try left.send("wake up")
            thread.join()
            #expect(polled.withLock { $0 } == true)
            #expect(try right.recv(String.self) == "wake up")
        }

        @Test(arguments: runnerMethods)
        func messagesSentBeforeTheChildExitedArriveBeforeEndOfFile(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let (parentEnd, childEnd) = try Pipe()
            let process = Process(target: TestFunctions.pingPong,
                                  arguments: PingPong(connection: childEnd, rounds: 3), context: context)
            try process.start()
            for number in 0..<3 { try parentEnd.send([number, nil] as [Int?]) }
            #expect(try process.value(as: Int.self, timeout: .seconds(10)) == 3)
            for number in 0..<3 { #expect(try parentEnd.recv([Int?].self) == [number * 2, nil]) }
            let error = #expect(throws: MultiprocessingError.self) { try parentEnd.recvBytes() }
            #expect(error?.code == .endOfFile)
        }

        @Test(arguments: runnerMethods)
        func aSenderWaitingForRoomSeesTheReceiversDeath(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let (parentEnd, childEnd) = try Pipe()
            let process = Process(target: TestFunctions.holdWithoutReading, arguments: childEnd, context: context)
            try process.start()
            let killer = TestThread {
                usleep(200_000)   // The send below has filled the ring by now and waits for room.
                try? process.kill()
            }
            let error = #expect(throws: MultiprocessingError.self) {
                try parentEnd.sendBytes([UInt8](repeating: 7, count: 1_000_000))
            }
            #expect(error?.code == .endOfFile)
            killer.join()
            try process.join()
            #expect(process.exitCode == -9)
        }

        @Test
        func aDescriptorThatIsNotAPipesMemoryIsRefused() throws {
            let queue = try SharedMemoryMapping(size: 100, name: "not-a-pipe")
            let copy = dup(queue.descriptor.rawValue)
            #expect(throws: MultiprocessingError.self) { try PipeMemory(receiving: .init(rawValue: copy)) }
        }
    }
}
