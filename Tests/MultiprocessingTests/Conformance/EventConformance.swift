import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    /// CPython's `_TestEvent`.
    struct EventConformance {
        // CPython: _TestEvent.test_event
        @Test(arguments: allMethods)
        func event(method: StartMethod) throws {
            let seen = try observe(SynchronizationScenarios.event, method)
            #expect(seen == [
                "isSet.start": "false", "wait.zero": "false", "wait.zero.timing": inTime, "wait.short": "false",
                "wait.short.timing": inTime, "isSet.set": "true", "wait.set": "true", "wait.set.short": "true",
                "wait.set.timing": inTime, "isSet.cleared": "false", "wait.child": "true", "exitCode": "0",
            ])
        }
    }
}
