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

        /// CPython: _TestBarrier.test_action, test_abort_and_reset (a failing action breaks the barrier),
        /// test_default_timeout.
        @Test
        func theActionRunsOnceBeforeThePartiesAreReleasedAndAFailingOneBreaksTheBarrier() throws {
            bootstrap([BarrierActions.count.registration, BarrierActions.fail.registration])
            let barrier = try Barrier(parties: 2, action: BarrierActions.count)
            let before = BarrierActions.runs.load(ordering: .relaxed)
            let other = TestThread { _ = try? barrier.wait(timeout: Duration.seconds(10)) }
            _ = try barrier.wait(timeout: .seconds(10))
            other.join()
            #expect(BarrierActions.runs.load(ordering: .relaxed) == before + 1, "one party ran the action, once")

            let failing = try Barrier(parties: 2, action: BarrierActions.fail)
            let outcome = Mutex<MultiprocessingError?>(nil)
            let waiter = TestThread {
                do throws(MultiprocessingError) {
                    _ = try failing.wait(timeout: Duration.seconds(10))
                } catch {
                    outcome.withLock { $0 = error }
                }
            }
            let mine = #expect(throws: MultiprocessingError.self) { try failing.wait(timeout: Duration.seconds(10)) }
            waiter.join()
            let errors = [mine, outcome.withLock { $0 }]
            #expect(errors.allSatisfy { $0?.code == .brokenBarrier } && failing.isBroken)
            #expect(errors.contains { $0?.remoteDescription?.contains("the action refused") == true },
                    "the party that ran the action gets its error")
        }

        @Test func waitUsesTheBarriersDefaultTimeout() throws {
            let barrier = try Barrier(parties: 2, timeout: .milliseconds(50))
            #expect(barrier.timeout == .milliseconds(50))
            let clock = ContinuousClock()
            let start = clock.now
            let error = #expect(throws: MultiprocessingError.self) { try barrier.wait() }
            #expect(error?.code == .brokenBarrier && clock.now - start < .seconds(5))
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

struct ActionRefusal: Error, CustomStringConvertible {
    var description: String { "the action refused" }
}

/// Barrier actions for the tests above, run in this test process.
enum BarrierActions {
    static let runs = Atomic<Int>(0)
    static let count = ProcessFunction("test.barrier.count") { (_: Empty) -> Empty in
        runs.add(1, ordering: .relaxed)
        return Empty()
    }
    static let fail = ProcessFunction("test.barrier.fail") { (_: Empty) -> Empty in
        throw ActionRefusal()
    }
}
