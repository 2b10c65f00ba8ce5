import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    struct EventTests {
        @Test
        func setClearAndTimeout() throws {
            let event = try Event()
            #expect(!event.isSet)
            #expect(event.wait(timeout: .milliseconds(20)) == false)
            event.set()
            #expect(event.isSet && event.wait())
            event.clear()
            #expect(!event.isSet)
        }

        @Test(arguments: runnerMethods)
        func wakesWaitingProcesses(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let event = try Event()
            let waiters = (0..<3).map { _ in
                Process(target: SynchronizationTestFunctions.waitForEvent, arguments: event, context: context)
            }
            for waiter in waiters { try waiter.start() }
            event.set()
            for waiter in waiters { #expect(try waiter.value(as: Bool.self, timeout: .seconds(10))) }
        }
    }
}
