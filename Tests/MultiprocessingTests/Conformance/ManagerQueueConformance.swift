import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    /// The manager variants of CPython's `_TestQueue.test_task_done` (`manager.JoinableQueue()`) and
    /// `TestSyncManagerTypes.test_array` (`manager.Array('i', [5, 6])`; CPython's `_TestArray` is for processes only).
    struct ManagerQueueConformance {
        // CPython: _TestQueue.test_task_done
        @Test(arguments: allMethods)
        func taskDone(method: StartMethod) throws {
            let seen = try observe(ManagerSynchronizationScenarios.taskDone, method)
            #expect(seen == [
                "join": "no error", "results.at.join": "10", "exitCodes": "0,0",
                "squares": (0..<10).map { String($0 * $0) }.joined(separator: ","),
            ])
        }

        // CPython: TestSyncManagerTypes.test_array
        @Test(arguments: allMethods)
        func array(method: StartMethod) throws {
            let seen = try observe(ManagerSynchronizationScenarios.array, method)
            #expect(seen == ["child": "5 6 2 [5, 6]", "exitCode": "0"])
        }
    }
}
