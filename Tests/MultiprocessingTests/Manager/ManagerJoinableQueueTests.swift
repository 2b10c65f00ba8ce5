import Multiprocessing
import MultiprocessingManagers
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    struct ManagerJoinableQueueTests {
        @Test
        func joinReturnsOnceChildrenMarkedEveryItemDone() throws {
            let context = workerContext(.spawn)
            try withManager(context: context) { manager in
                let queue = try manager.joinableQueue(of: Int.self)
                let results: ListProxy<Int> = try manager.list([Int]())
                let workers = (0..<2).map { _ in
                    Process(target: ManagerProxyTestFunctions.squareJobs,
                            arguments: Jobs(queue: queue, results: results), context: context)
                }
                for worker in workers { try worker.start() }
                for job in 0..<10 { try queue.put(job) }
                #expect(try queue.join(timeout: .seconds(20)))
                #expect(try results.elements().sorted() == (0..<10).map { $0 * $0 })
                for _ in workers { try queue.put(-1) }
                let done = try workers.map { try $0.value(as: Int.self, timeout: .seconds(10)) }
                #expect(done.reduce(0, +) == 10)
                #expect(try queue.join(timeout: .seconds(5)) && queue.queue.isEmpty())
            }
        }

        @Test
        func joinTimesOutAndTaskDoneCannotGoBelowZero() throws {
            try withManager(context: workerContext(.spawn)) { manager in
                let queue = try manager.joinableQueue(of: String.self, maxsize: 1)
                #expect(try queue.join(timeout: .zero))
                try queue.put("a")
                let start = ContinuousClock.now
                #expect(try !queue.join(timeout: .milliseconds(200)))
                #expect(ContinuousClock.now - start >= .milliseconds(190))
                #expect(try queue.get() == "a")
                #expect(try !queue.join(timeout: .milliseconds(10)))  // Taken is not done.
                try queue.taskDone()
                #expect(try queue.join())
                let tooMany = #expect(throws: MultiprocessingError.self) { try queue.taskDone() }
                #expect(tooMany?.code == .invalidState)
                let negative = #expect(throws: MultiprocessingError.self) { try queue.join(timeout: .seconds(-1)) }
                #expect(negative?.code == .invalidArgument)
                // A plain queue has neither.
                let plain = try manager.queue(of: Int.self)
                let missing = #expect(throws: MultiprocessingError.self) { try plain.proxy.call("task_done") }
                #expect(missing?.remoteDescription?.hasPrefix("AttributeError") == true)
            }
        }

        @Test
        func aJoinerThatDisconnectsLeavesTheQueueServing() throws {
            let context = workerContext(.spawn)
            try withManager(context: context) { manager in
                let queue = try manager.joinableQueue(of: Int.self)
                try queue.put(1)
                let ready = try manager.event()
                try killWhileBlocked(ManagerProxyTestFunctions.joinQueue, Blocking(queue, ready: ready),
                                     ready: ready, context: context)
                #expect(try queue.get(timeout: .seconds(5)) == 1)
                try queue.taskDone()
                #expect(try queue.join(timeout: .seconds(5)))
            }
        }
    }
}
