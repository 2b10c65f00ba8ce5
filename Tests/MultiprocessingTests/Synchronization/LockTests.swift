#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    struct LockTests {
        @Test
        func acquireReleaseAndMisuse() throws {
            let lock = try Lock()
            #expect(try lock.acquire())
            #expect(try lock.acquire(block: false) == false)  // Held (by this thread): not free.
            try lock.release()
            let error = #expect(throws: MultiprocessingError.self) { try lock.release() }
            #expect(error?.code == .invalidState)
            #expect(try lock.withLock { 7 } == 7)
            #expect(try lock.acquire(timeout: .milliseconds(10)))
            try lock.release()
        }

        @Test(arguments: runnerMethods)
        func timesOutWhileAnotherProcessHoldsIt(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let lock = try Lock()
            let holding = try Event()
            let holder = Process(target: SynchronizationTestFunctions.holdLock,
                                 arguments: HoldLock(lock: lock, holding: holding, milliseconds: 300), context: context)
            try holder.start()
            #expect(holding.wait(timeout: .seconds(10)))
            let clock = ContinuousClock()
            let started = clock.now
            #expect(try lock.acquire(timeout: .milliseconds(50)) == false)
            #expect(started.duration(to: clock.now) >= .milliseconds(45))
            #expect(try lock.acquire(block: false) == false)
            #expect(try lock.acquire(timeout: .seconds(10)))
            try lock.release()
            #expect(try holder.value(as: Int.self) == 300)
        }

        @Test(arguments: runnerMethods)
        func aDeadOwnerIsReportedToTheNextAcquirer(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let lock = try Lock()
            let victim = Process(target: SynchronizationTestFunctions.dieHoldingLock, arguments: lock,
                                 context: context)
            try victim.start()
            #expect(try victim.join(timeout: .seconds(10)))
            #expect(victim.exitCode == -SIGKILL)
            let error = #expect(throws: MultiprocessingError.self) { try lock.acquire(timeout: .seconds(5)) }
            #expect(error?.code == .ownerDied)
            // The lock is free again and works as before.
            #expect(try lock.acquire(timeout: .seconds(5)))
            try lock.release()
            #expect(try lock.withLock { true })
        }

        @Test(arguments: runnerMethods)
        func countsAreExactUnderContention(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let counter = try SharedValue<Int64>(0)
            let start = try Event()
            let workers = (0..<2).map { _ in
                Process(target: SynchronizationTestFunctions.addUnderLock,
                        arguments: AddUnderLock(counter: counter, start: start, count: 50_000), context: context)
            }
            for worker in workers { try worker.start() }
            start.set()
            for _ in 0..<50_000 { try counter.withLock { $0 += 1 } }
            for worker in workers { #expect(try worker.value(as: Int.self, timeout: .seconds(30)) == 50_000) }
            #expect(counter.value == 150_000)
        }

        @Test(arguments: runnerMethods)
        func recursiveLockAcrossProcesses(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let lock = try RLock()
            #expect(try lock.acquire())
            #expect(try lock.acquire())
            try lock.release()
            try lock.release()
            #expect(throws: MultiprocessingError.self) { try lock.release() }
            let child = Process(target: SynchronizationTestFunctions.reenter, arguments: lock, context: context)
            try child.start()
            #expect(try child.value(as: Int.self, timeout: .seconds(10)) == 2)
            #expect(try lock.acquire(block: false))
            try lock.release()
        }
    }
}
