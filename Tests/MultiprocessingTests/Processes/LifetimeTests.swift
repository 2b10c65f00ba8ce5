#if canImport(Glibc)
import Glibc
#endif
import LessonTestSupport
import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    /// Children die with their parent, no descriptor leaks into them, and many starts leave nothing behind.
    struct LifetimeTests {
        @Test(arguments: runnerMethods)
        func aGrandchildDiesWhenItsParentIsKilled(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let (parentEnd, childEnd) = try Pipe()
            let middle = Process(target: TestFunctions.startSleeper,
                                 arguments: StartSleeper(report: childEnd, daemon: false, waitForever: true),
                                 context: context)
            try middle.start()
            let grandchild = try parentEnd.recv(Int32.self)
            #expect(ProcessCensus.exists(grandchild))
            try middle.kill()
            try middle.join()
            #expect(diesSoon(grandchild))
        }

        @Test(arguments: runnerMethods)
        func daemonicChildrenAreTerminatedWhenTheirParentExits(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let (parentEnd, childEnd) = try Pipe()
            let middle = Process(target: TestFunctions.startSleeper,
                                 arguments: StartSleeper(report: childEnd, daemon: true, waitForever: false),
                                 context: context)
            try middle.start()
            let grandchild = try parentEnd.recv(Int32.self)
            #expect(try middle.value(as: Int32.self, timeout: .seconds(10)) == grandchild)
            #expect(diesSoon(grandchild))
        }

        @Test(arguments: runnerMethods)
        func noDescriptorLeaksIntoAChild(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            // Descriptors of ours that are not passed, a pipe among them, must not reach the child.
            let (keepLeft, keepRight) = try Pipe()
            defer { keepLeft.close(); keepRight.close() }
            let plain = try TestFunctions.openDescriptors.run(Empty(), context: context)
            #expect(plain == [0, 1, 2, 3])
            let (parentEnd, childEnd) = try Pipe()
            defer { parentEnd.close() }
            let queue = try Queue<Int>()
            struct Both: Codable, Sendable { var connection: Connection; var queue: Queue<Int> }
            let fds = ProcessFunction("test.fds") { (_: Both) -> [Int32] in [] }
            let withTwo = try fds.run(Both(connection: childEnd, queue: queue), context: context)
            // 3 is the control socket; then the pipe's socket and memory, and the queue's memory and the two ends
            // of its socket for parked descriptors.
            #expect(withTwo == [0, 1, 2, 3, 4, 5, 6, 7, 8])
        }

        @Test(arguments: runnerMethods)
        func manyStartsLeaveNoZombieAndNoDescriptor(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let starts = method == .forkserver ? 1000 : 100
            _ = try TestFunctions.square.run(1, context: context)  // Starts the fork server before counting.
            // Other test targets run at the same time and open descriptors of their own: a leak of one a start
            // would show as hundreds.
            let before = openDescriptorList().count
            for number in 0..<starts {
                let process = Process(target: TestFunctions.square, arguments: number, context: context)
                try process.start()
                try process.join()
                #expect(process.exitCode == 0)
                #expect(!ProcessCensus.exists(process.pid!.rawValue))
            }
            #expect(openDescriptorList().count < before + 20)
            #expect(activeChildren().isEmpty)
        }
    }
}
