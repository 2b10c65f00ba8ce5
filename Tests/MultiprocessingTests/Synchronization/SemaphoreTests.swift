import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    struct SemaphoreTests {
        @Test
        func countsTimesOutAndBounds() throws {
            let semaphore = try Semaphore(2)
            #expect(semaphore.acquire() && semaphore.acquire())
            #expect(semaphore.value == 0)
            #expect(semaphore.acquire(block: false) == false)
            let clock = ContinuousClock()
            let started = clock.now
            #expect(semaphore.acquire(timeout: .milliseconds(30)) == false)
            #expect(started.duration(to: clock.now) >= .milliseconds(25))
            try semaphore.release()
            try semaphore.release()
            try semaphore.release()  // Unbounded: Python allows it too.
            #expect(semaphore.value == 3)

            let bounded = try BoundedSemaphore(1)
            #expect(bounded.withLock { bounded.value } == 0)
            let error = #expect(throws: MultiprocessingError.self) { try bounded.release() }
            #expect(error?.code == .invalidState)
            #expect(bounded.value == 1)

            // A bound of 0 is a bound (Python's BoundedSemaphore(0).release() raises).
            let closed = try BoundedSemaphore(0)
            #expect(throws: MultiprocessingError.self) { try closed.release() }
            #expect(closed.value == 0)
        }

        @Test(arguments: runnerMethods)
        func atMostTwoInsideAcrossProcesses(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let arguments = Occupy(semaphore: try BoundedSemaphore(2), inside: try SharedValue(0),
                                   most: try SharedValue(0))
            let children = (0..<4).map { _ in
                Process(target: SynchronizationTestFunctions.occupy, arguments: arguments, context: context)
            }
            for child in children { try child.start() }
            for child in children { _ = try child.value(as: Int.self, timeout: .seconds(10)) }
            #expect(arguments.most.value >= 1 && arguments.most.value <= 2)
            #expect(arguments.inside.value == 0)
            #expect(arguments.semaphore.value == 2)
        }

        @Test(arguments: runnerMethods)
        func aBoundedSemaphoreIsASemaphoreThatKeepsItsBoundInAChild(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let bounded = try BoundedSemaphore(1)
            let semaphore: Multiprocessing.Semaphore = bounded
            #expect(semaphore.acquire(block: false))
            // The child's function takes a plain Semaphore: the first release fits, the second would pass the bound.
            for expected in [true, false] {
                let child = Process(target: SynchronizationTestFunctions.releaseSemaphore, arguments: semaphore,
                                    context: context)
                try child.start()
                if expected {
                    #expect(try child.value(as: Int.self, timeout: .seconds(10)) == 1)
                } else {
                    let error = #expect(throws: MultiprocessingError.self) {
                        try child.value(as: Int.self, timeout: .seconds(10))
                    }
                    #expect(error?.code == .childFailed)
                    #expect(error?.remoteDescription?.contains("released a BoundedSemaphore more times") == true,
                            "\(String(describing: error))")
                }
            }
            #expect(bounded.value == 1)
        }

        @Test(arguments: runnerMethods)
        func anotherProcessReleases(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let semaphore = try Semaphore(0)
            let child = Process(target: SynchronizationTestFunctions.releaseSemaphore, arguments: semaphore,
                                context: context)
            try child.start()
            #expect(semaphore.acquire(timeout: .seconds(10)))
            #expect(try child.value(as: Int.self) == 1)
        }
    }
}
