import Multiprocessing
import MultiprocessingTestFunctions
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension MultiprocessingSuite {
    struct BarrierTests {
        @Test
        func aTimeoutBreaksTheBarrierUntilReset() throws {
            let barrier = try Barrier(parties: 2)
            let timedOut = #expect(throws: MultiprocessingError.self) { try barrier.wait(timeout: .milliseconds(20)) }
            #expect(timedOut?.code == .brokenBarrier)
            #expect(barrier.isBroken)
            let broken = #expect(throws: MultiprocessingError.self) { try barrier.wait(timeout: .seconds(1)) }
            #expect(broken?.code == .brokenBarrier)
            barrier.reset()
            #expect(!barrier.isBroken && barrier.waiting == 0)
            #expect(try Barrier(parties: 1).wait() == 0)
        }

        /// CPython: _TestBarrier.test_reset — the waiting parties get BrokenBarrierError at once.
        @Test
        func resetBreaksTheWaitingPartiesAtOnceAndLeavesTheBarrierUsable() throws {
            let barrier = try Barrier(parties: 2)
            let outcome = Mutex<MultiprocessingError?>(nil)
            let waiter = TestThread {
                do throws(MultiprocessingError) {
                    _ = try barrier.wait(timeout: .seconds(20))
                } catch {
                    outcome.withLock { $0 = error }
                }
            }
            let clock = ContinuousClock()
            let patience = clock.now.advanced(by: .seconds(10))
            while barrier.waiting == 0 && clock.now < patience { usleep(1_000) }
            #expect(barrier.waiting == 1)
            let start = clock.now
            barrier.reset()
            waiter.join()
            #expect(outcome.withLock { $0 }?.code == .brokenBarrier, "the waiting party was told")
            #expect(clock.now - start < .seconds(5), "at once, not at its own timeout")
            #expect(!barrier.isBroken && barrier.waiting == 0, "reset leaves it usable")
            let second = TestThread { _ = try? barrier.wait(timeout: .seconds(10)) }
            #expect(try barrier.wait(timeout: .seconds(10)) >= 0, "both parties of the next round pass")
            second.join()
        }

        @Test(arguments: runnerMethods)
        func severalProcessesPassTogether(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let arguments = Meet(barrier: try Barrier(parties: 4), arrived: try SharedValue(0))
            let parties = (0..<3).map { _ in
                Process(target: SynchronizationTestFunctions.meet, arguments: arguments, context: context)
            }
            for party in parties { try party.start() }
            try arguments.arrived.withLock { $0 += 1 }
            let mine = try arguments.barrier.wait(timeout: .seconds(10))
            var indices = [mine]
            for party in parties {
                let result = try party.value(as: [Int].self, timeout: .seconds(10))
                indices.append(result[0])
                #expect(result[1] == 4)  // Nobody passed before all four had arrived.
            }
            #expect(indices.sorted() == [0, 1, 2, 3])
        }
    }
}
