import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    /// The manager variant of CPython's `_TestCondition`: `manager.Condition()`, with child processes as the
    /// waiters (CPython adds threads of the test process). `test_wait_result` is CPython's for processes only.
    struct ManagerConditionConformance {
        typealias S = ManagerSynchronizationScenarios

        // CPython: _TestCondition.test_notify
        @Test(arguments: allMethods)
        func notify(method: StartMethod) throws {
            let seen = try observe(S.notify, method)
            #expect(seen == [
                "woken.before": "0", "woken.first": "1", "woken.second": "1", "notified": "true,true",
            ])
        }

        // CPython: _TestCondition.test_notify_all
        @Test(arguments: allMethods)
        func notifyAll(method: StartMethod) throws {
            let seen = try observe(S.notifyAll, method)
            #expect(seen == ["woken.before": "0", "woken": "3", "exitCodes": "0,0,0"])
        }

        // CPython: _TestCondition.test_notify_n
        @Test(arguments: allMethods)
        func notifyN(method: StartMethod) throws {
            let seen = try observe(S.notifyN, method)
            #expect(seen == [
                "woken.before": "0", "woken.two": "2", "woken.rest": "1", "woken.none": "0", "exitCodes": "0,0,0",
            ])
        }

        // CPython: _TestCondition.test_timeout
        @Test(arguments: allMethods)
        func timeout(method: StartMethod) throws {
            let seen = try observe(S.conditionTimeout, method)
            #expect(seen == ["wait": "false", "timing": inTime])
        }

        // CPython: _TestCondition.test_waitfor
        @Test(arguments: allMethods)
        func waitFor(method: StartMethod) throws {
            let seen = try observe(S.waitFor, method)
            #expect(seen == ["wait.zero": "true", "child": "true", "exitCode": "0"])
        }

        // CPython: _TestCondition.test_waitfor_timeout
        @Test(arguments: allMethods)
        func waitForTimeout(method: StartMethod) throws {
            let seen = try observe(S.waitForTimeout, method)
            #expect(seen == ["result": "false", "timing": inTime])
        }
    }
}
