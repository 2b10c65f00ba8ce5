import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    /// CPython's `_TestCondition`: the waiters are child processes (CPython adds threads of the test process).
    struct ConditionConformance {
        // CPython: _TestCondition.test_notify
        @Test(arguments: allMethods)
        func notify(method: StartMethod) throws {
            let seen = try observe(SynchronizationScenarios.notify, method)
            #expect(seen == [
                "woken.before": "0", "woken.first": "1", "woken.second": "1", "notified": "true,true",
            ])
        }

        // CPython: _TestCondition.test_notify_all
        @Test(arguments: allMethods)
        func notifyAll(method: StartMethod) throws {
            let seen = try observe(SynchronizationScenarios.notifyAll, method)
            #expect(seen == [
                "woken.before": "0", "woken": "3", "exitCodes": "0,0,0",
            ])
        }

        // CPython: _TestCondition.test_notify_n
        @Test(arguments: allMethods)
        func notifyN(method: StartMethod) throws {
            let seen = try observe(SynchronizationScenarios.notifyN, method)
            #expect(seen == [
                "woken.before": "0", "woken.two": "2", "woken.rest": "1", "exitCodes": "0,0,0",
            ])
        }

        // CPython: _TestCondition.test_timeout
        @Test
        func timeout() throws {
            let condition = try Condition()
            let start = ContinuousClock.now
            let notified = try condition.withLock { try condition.wait(timeout: .milliseconds(100)) }
            #expect(!notified)
            #expect(ContinuousClock.now - start >= .milliseconds(90))
        }

        // CPython: _TestCondition.test_waitfor
        @Test(arguments: allMethods)
        func waitFor(method: StartMethod) throws {
            let seen = try observe(SynchronizationScenarios.waitFor, method)
            #expect(seen == [
                "wait.zero": "true", "child": "true", "exitCode": "0",
            ])
        }

        // CPython: _TestCondition.test_waitfor_timeout
        @Test
        func waitForTimeout() throws {
            let condition = try Condition()
            let start = ContinuousClock.now
            let result = try condition.withLock { try condition.wait(for: { false }, timeout: .milliseconds(100)) }
            #expect(!result)
            #expect(ContinuousClock.now - start >= .milliseconds(90))
        }

        // CPython: _TestCondition.test_wait_result
        @Test(arguments: allMethods)
        func waitResult(method: StartMethod) throws {
            let seen = try observe(SynchronizationScenarios.waitResult, method)
            #expect(seen == [
                "wait.zero": "false", "wait.short": "false", "wait.notified": "true", "exitCode": "0",
            ])
        }
    }
}
