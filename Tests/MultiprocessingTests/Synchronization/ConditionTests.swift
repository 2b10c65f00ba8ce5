#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    struct ConditionTests {
        @Test
        func waitTimesOutAndNeedsTheLock() throws {
            let condition = try Condition()
            let notified = try condition.withLock { try condition.wait(timeout: .milliseconds(20)) }
            #expect(notified == false)
            let error = #expect(throws: MultiprocessingError.self) { try condition.wait(timeout: .milliseconds(1)) }
            #expect(error?.code == .invalidState)
            #expect(try condition.withLock { try condition.wait(for: { true }) })
        }

        @Test(arguments: runnerMethods)
        func notifyAllWakesSeveralProcesses(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let arguments = AwaitCondition(condition: try Condition(), ready: try SharedValue(0),
                                           waiting: try SharedValue(0), woken: try SharedValue(0))
            let waiters = (0..<3).map { _ in
                Process(target: SynchronizationTestFunctions.waitForCondition, arguments: arguments, context: context)
            }
            for waiter in waiters { try waiter.start() }
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(10)
            while arguments.waiting.value < 3 && clock.now < deadline { usleep(1_000) }
            try arguments.condition.withLock {
                arguments.ready.value = 1
                arguments.condition.notifyAll()
            }
            for waiter in waiters { #expect(try waiter.value(as: Bool.self, timeout: .seconds(10))) }
            #expect(arguments.woken.value == 3)
        }
    }
}
