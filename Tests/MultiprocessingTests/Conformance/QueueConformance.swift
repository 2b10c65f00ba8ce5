import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    /// CPython's `_TestQueue`.
    struct QueueConformance {
        // CPython: _TestQueue.test_put
        @Test(arguments: allMethods)
        func put(method: StartMethod) throws {
            let seen = try observe(QueueScenarios.put, method)
            #expect(seen == [
                "empty.start": "true", "empty.full": "false", "full": "true", "put.noblock": "full",
                "putNoWait": "full", "put.timeout": "full", "put.timeout.timing": inTime,
                "put.noblock.timeout": "full", "put.noblock.timing": inTime, "parentCanContinue": "true",
                "empty.end": "true", "full.end": "false", "child.got": "0,1,2,3,4,5",
            ])
        }

        // CPython: _TestQueue.test_get
        @Test(arguments: allMethods)
        func get(method: StartMethod) throws {
            let seen = try observe(QueueScenarios.get, method)
            #expect(seen == [
                "empty.start": "true", "parentCanContinue": "true", "empty.filled": "false", "items": "0,1,2,3",
                "empty.end": "true", "get.noblock": "empty", "getNoWait": "empty", "get.timeout": "empty",
                "get.timeout.timing": inTime, "get.noblock.timeout": "empty", "get.noblock.timing": inTime,
                "exitCode": "0",
            ])
        }

        // CPython: _TestQueue.test_fork
        @Test(arguments: allMethods)
        func fork(method: StartMethod) throws {
            let seen = try observe(QueueScenarios.fork, method)
            #expect(seen == [
                "items": (0..<20).map(String.init).joined(separator: ","), "exitCode": "0",
            ])
        }

        // CPython: _TestQueue.test_qsize
        @Test
        func qsize() throws {
            let queue = try Queue<Int>()
            #expect(queue.qsize == 0)
            try queue.put(5)
            #expect(queue.qsize == 1)
            try queue.put(6)
            #expect(queue.qsize == 2)
            #expect(try queue.get() == 5)
            #expect(queue.qsize == 1)
            #expect(try queue.get() == 6)
            #expect(queue.qsize == 0)
        }

        // CPython: _TestQueue.test_task_done
        @Test(arguments: allMethods)
        func taskDone(method: StartMethod) throws {
            let seen = try observe(QueueScenarios.taskDone, method)
            #expect(seen == [
                "join": "no error", "results.at.join": "10", "exitCodes": "0,0",
                "squares": (0..<10).map { String($0 * $0) }.joined(separator: ","),
            ])
        }

        // CPython: _TestQueue.test_timeout
        @Test
        func timeout() throws {
            let queue = try Queue<Int>()
            let start = ContinuousClock.now
            let error = #expect(throws: MultiprocessingError.self) { try queue.get(timeout: .milliseconds(200)) }
            #expect(error?.code == .empty)
            #expect(ContinuousClock.now - start >= .milliseconds(100))
        }

        // CPython: _TestQueue.test_closed_queue_empty_exceptions
        @Test
        func closedQueueEmptyExceptions() throws {
            let queue = try Queue<Int>()
            let joinable = try JoinableQueue<Int>()
            queue.close()
            joinable.close()
            #expect(queue.isEmpty)
            #expect(joinable.isEmpty)
        }

        // CPython: _TestQueue.test_closed_queue_put_get_exceptions
        @Test
        func closedQueuePutGetExceptions() throws {
            let queue = try Queue<Int>()
            queue.close()
            #expect(queue.isClosed)
            #expect(throws: MultiprocessingError.self) { try queue.put(1) }
            #expect(throws: MultiprocessingError.self) { try queue.get() }
            let joinable = try JoinableQueue<Int>()
            joinable.close()
            let put = #expect(throws: MultiprocessingError.self) { try joinable.put(1) }
            let get = #expect(throws: MultiprocessingError.self) { try joinable.get() }
            #expect(put?.code == .closed && get?.code == .closed)
        }
    }
}
