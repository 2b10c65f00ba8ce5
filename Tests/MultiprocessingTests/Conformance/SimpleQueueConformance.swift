import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    /// CPython's `TestSimpleQueue`.
    struct SimpleQueueConformance {
        // CPython: TestSimpleQueue.test_empty
        @Test(arguments: allMethods)
        func empty(method: StartMethod) throws {
            let seen = try observe(QueueScenarios.simpleQueueEmpty, method)
            #expect(seen == [
                "empty.start": "true", "exitCode": "0", "empty.filled": "false", "item": "the child's greeting",
                "empty.end": "true",
            ])
        }

        // CPython: TestSimpleQueue.test_close
        @Test
        func close() throws {
            let queue = try SimpleQueue<Int>()
            queue.close()
            queue.close()
            let error = #expect(throws: MultiprocessingError.self) { try queue.put(1) }
            #expect(error?.code == .closed)
        }
    }
}
