#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing
import MultiprocessingManagers
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    struct ManagerBarrierTests {
        @Test
        func partiesInSeveralProcessesPassWithDistinctIndices() throws {
            let context = workerContext(.spawn)
            try withManager(context: context) { manager in
                let barrier = try manager.barrier(parties: 3)
                #expect(try barrier.parties() == 3 && barrier.waiting() == 0 && !barrier.isBroken())
                let ready = try manager.event()
                let children = (0..<2).map { _ in
                    Process(target: ManagerProxyTestFunctions.passBarrier, arguments: Blocking(barrier, ready: ready),
                            context: context)
                }
                for child in children { try child.start() }
                let mine = try barrier.wait(timeout: .seconds(10))
                let theirs = try children.map { try $0.value(as: String.self, timeout: .seconds(10)) }
                #expect(Set(theirs + ["\(mine)"]) == ["0", "1", "2"])
                // The barrier fills again for another round.
                #expect(try barrier.waiting() == 0 && !barrier.isBroken())
            }
        }

        @Test
        func aTimeoutBreaksTheBarrierUntilReset() throws {
            try withManager(context: workerContext(.spawn)) { manager in
                let barrier = try manager.barrier(parties: 2)
                let start = ContinuousClock.now
                let error = #expect(throws: MultiprocessingError.self) { try barrier.wait(timeout: .milliseconds(200)) }
                #expect(error?.code == .brokenBarrier)
                #expect(ContinuousClock.now - start >= .milliseconds(190))
                #expect(try barrier.isBroken())
                let again = #expect(throws: MultiprocessingError.self) { try barrier.wait(timeout: .seconds(5)) }
                #expect(again?.code == .brokenBarrier)
                try barrier.reset()
                #expect(try !barrier.isBroken())

                // The barrier's own timeout, for a wait that gives none.
                let timed = try manager.barrier(parties: 2, timeout: .milliseconds(200))
                let defaulted = #expect(throws: MultiprocessingError.self) { try timed.wait() }
                #expect(defaulted?.code == .brokenBarrier)
            }
        }

        @Test
        func abortBreaksAWaitingPartyInAnotherProcess() throws {
            let context = workerContext(.spawn)
            try withManager(context: context) { manager in
                let barrier = try manager.barrier(parties: 2)
                let ready = try manager.event()
                let child = Process(target: ManagerProxyTestFunctions.passBarrier,
                                    arguments: Blocking(barrier, ready: ready), context: context)
                try child.start()
                #expect(try ready.wait(timeout: .seconds(10)))
                var waited = 0
                while try barrier.waiting() == 0 && waited < 100 {
                    usleep(20_000)
                    waited += 1
                }
                #expect(try barrier.waiting() == 1)
                try barrier.abort()
                #expect(try child.value(as: String.self, timeout: .seconds(10)) == "brokenBarrier")
                #expect(try barrier.isBroken())
            }
        }

        @Test
        func aPartyThatDisconnectsBreaksTheBarrier() throws {
            let context = workerContext(.spawn)
            try withManager(context: context) { manager in
                let barrier = try manager.barrier(parties: 2)
                let ready = try manager.event()
                try killWhileBlocked(ManagerProxyTestFunctions.passBarrier, Blocking(barrier, ready: ready),
                                     ready: ready, context: context)
                var waited = 0
                while try !barrier.isBroken() && waited < 100 {
                    usleep(20_000)
                    waited += 1
                }
                #expect(try barrier.isBroken() && barrier.waiting() == 0)
                try barrier.reset()
                #expect(try !barrier.isBroken())
            }
        }

        @Test
        func badArgumentsThrow() throws {
            try withManager(context: workerContext(.spawn)) { manager in
                let parties = #expect(throws: MultiprocessingError.self) { try manager.barrier(parties: 0) }
                #expect(parties?.code == .invalidArgument)
                let timeout = #expect(throws: MultiprocessingError.self) {
                    try manager.barrier(parties: 2, timeout: .seconds(-1))
                }
                #expect(timeout?.code == .invalidArgument)
                let barrier = try manager.barrier(parties: 1)
                #expect(try barrier.wait() == 0)
                let wait = #expect(throws: MultiprocessingError.self) { try barrier.wait(timeout: .seconds(-1)) }
                #expect(wait?.code == .invalidArgument)
            }
        }
    }
}
