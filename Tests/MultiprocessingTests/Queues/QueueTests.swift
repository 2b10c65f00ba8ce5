import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    struct QueueTests {
        @Test
        func putAndGetInOrderWithTimeoutsAndLimits() throws {
            let queue = try Queue<String>(maxsize: 2)
            #expect(queue.isEmpty)
            try queue.put("a")
            try queue.put("b")
            #expect(queue.qsize == 2 && queue.isFull)
            let full = #expect(throws: MultiprocessingError.self) { try queue.put("c", timeout: .milliseconds(20)) }
            #expect(full?.code == .full)
            #expect(throws: MultiprocessingError.self) { try queue.putNoWait("c") }
            #expect(try queue.get() == "a")
            #expect(try queue.getNoWait() == "b")
            let empty = #expect(throws: MultiprocessingError.self) { try queue.get(timeout: .milliseconds(20)) }
            #expect(empty?.code == .empty)
            #expect(throws: MultiprocessingError.self) { try queue.get(block: false) }
            queue.close()
            let closed = #expect(throws: MultiprocessingError.self) { try queue.put("d") }
            #expect(closed?.code == .closed)
        }

        @Test
        func itemsWrapAroundTheRingAndTooLargeOnesAreRefused() throws {
            let queue = try Queue<[UInt8]>(capacity: 1000)
            for round in 0..<50 {
                let item = [UInt8](repeating: UInt8(round), count: 300)
                try queue.put(item)
                try queue.put(item)
                #expect(try queue.get() == item)
                #expect(try queue.get() == item)
            }
            let error = #expect(throws: MultiprocessingError.self) { try queue.put([UInt8](repeating: 0, count: 2000)) }
            #expect(error?.code == .messageTooLarge)
        }

        @Test(arguments: runnerMethods)
        func manyProducersToOneConsumer(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let queue = try Queue<Int>(capacity: 4096)  // Small: producers must wait for room.
            let producers = (0..<3).map { _ in
                Process(target: TestFunctions.produce, arguments: Produce(queue: queue, count: 2000), context: context)
            }
            for producer in producers { try producer.start() }
            var counts = [Int](repeating: 0, count: 2000)
            for _ in 0..<6000 { counts[try queue.get(timeout: .seconds(10))] += 1 }
            #expect(counts.allSatisfy { $0 == 3 })
            for producer in producers { #expect(try producer.value(as: Int.self) == 2000) }
            #expect(queue.isEmpty)
        }

        @Test(arguments: runnerMethods)
        func joinableQueueWithManyConsumers(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let tasks = try JoinableQueue<Int>()
            let results = try Queue<Int>()
            let workers = (0..<2).map { _ in
                Process(target: TestFunctions.squareWorker, arguments: SquareWorker(tasks: tasks, results: results),
                        context: context)
            }
            for worker in workers { try worker.start() }
            for number in 1...100 { try tasks.put(number) }
            try tasks.join(timeout: .seconds(10))
            var squares: [Int] = []
            for _ in 1...100 { squares.append(try results.get(timeout: .seconds(5))) }
            #expect(squares.sorted() == (1...100).map { $0 * $0 })
            for _ in workers { try tasks.put(-1) }
            let handled = try workers.map { try $0.value(as: Int.self) }
            #expect(handled.reduce(0, +) == 100)
            try tasks.join(timeout: .seconds(5))
            let extra = #expect(throws: MultiprocessingError.self) { try tasks.taskDone() }
            #expect(extra?.code == .invalidState)
        }

        @Test
        func joinTimesOutWhileTasksRemain() throws {
            let tasks = try JoinableQueue<Int>()
            try tasks.put(1)
            let error = #expect(throws: MultiprocessingError.self) { try tasks.join(timeout: .milliseconds(20)) }
            #expect(error?.code == .timedOut)
            _ = try tasks.get()
            try tasks.taskDone()
            try tasks.join(timeout: .seconds(1))
        }

        @Test(arguments: runnerMethods)
        func simpleQueueAcrossProcesses(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let queue = try SimpleQueue<String>()
            let process = Process(target: TestFunctions.simpleGreeting, arguments: queue, name: "greeter",
                                  context: context)
            try process.start()
            #expect(try queue.get() == "hello from greeter")
            #expect(try process.value(as: String.self) == "sent")
            #expect(queue.isEmpty)
        }
    }
}
