#if canImport(Glibc)
import Glibc
#endif
@testable import Multiprocessing
import MultiprocessingTestFunctions
import SystemPackage
import Testing

extension MultiprocessingSuite {
    struct AdaptiveSpinTests {
        @Test
        func theWindowOpensAfterShortSleepsAndClosesAfterLongOnes() {
            var spin = AdaptiveSpin()
            #expect(spin.window == 0)
            spin.slept(nanoseconds: 30_000)
            #expect(spin.window == AdaptiveSpin.startWindow)
            for _ in 0..<10 { spin.slept(nanoseconds: 30_000) }
            #expect(spin.window == AdaptiveSpin.maximumWindow)
            spin.slept(nanoseconds: 5_000_000)
            #expect(spin.window == AdaptiveSpin.maximumWindow / 2)
            for _ in 0..<4 { spin.slept(nanoseconds: 5_000_000) }
            #expect(spin.window == 0)
        }

        @Test
        func aClosedWindowDoesNotProbe() throws {
            var spin = AdaptiveSpin()
            var probes = 0
            let arrived = try spin.spin { probes += 1; return .success(true) }.get()
            #expect(!arrived)
            #expect(probes == 0)
        }

        @Test
        func anOpenWindowProbesUntilSomethingArrivesOrItPasses() throws {
            var spin = AdaptiveSpin()
            spin.slept(nanoseconds: 1_000)
            var probes = 0
            let arrived = try spin.spin { probes += 1; return .success(true) }.get()
            #expect(arrived)
            #expect(probes == 1)

            probes = 0
            let start = AdaptiveSpin.now()
            let nothing = try spin.spin { probes += 1; return .success(false) }.get()
            #expect(!nothing)
            #expect(probes >= 1)
            #expect(AdaptiveSpin.now() - start >= spin.window)

            probes = 0
            let failure = spin.spin { probes += 1; return .failure(.connectionReset) }
            #expect(throws: Errno.connectionReset) { try failure.get() }
            #expect(probes == 1)
        }

        /// Spins until the `arrivingAt`-th poll finds a message; the yields it made.
        private func yields(_ spin: inout AdaptiveSpin, arrivingAt poll: Int) throws -> Int {
            var polls = 0
            var yields = 0
            let arrived = try spin.spin(yield: { yields += 1 }) {
                polls += 1
                return .success(polls == poll)
            }.get()
            #expect(arrived)
            return yields
        }

        @Test
        func aPeerOnAnotherCPUIsPolledWithoutAYieldAfterEveryPoll() throws {
            var spin = AdaptiveSpin()
            spin.slept(nanoseconds: 1_000)
            // The answer came between two polls with no yield between them: the peer runs elsewhere.
            #expect(try yields(&spin, arrivingAt: 5) == 0)
            #expect(!spin.yieldsAfterEveryPoll)
            // Polling still yields now and then, so that a peer sharing this CPU gets it.
            let polls = 3 * AdaptiveSpin.pollsBetweenYields - 1
            #expect(try yields(&spin, arrivingAt: polls) == 2)
        }

        @Test
        func aPeerSharingTheCPUGetsAYieldAfterEveryPollUntilARetry() throws {
            var spin = AdaptiveSpin()
            spin.slept(nanoseconds: 1_000)
            // The answer came right after a yield: the peer needed this CPU.
            #expect(try yields(&spin, arrivingAt: AdaptiveSpin.pollsBetweenYields + 1) == 1)
            #expect(spin.yieldsAfterEveryPoll)
            #expect(try yields(&spin, arrivingAt: 4) == 3)
            // A message that was already there says nothing about where the peer runs.
            #expect(try yields(&spin, arrivingAt: 1) == 0)
            #expect(spin.yieldsAfterEveryPoll)
            for _ in 0..<(AdaptiveSpin.receivesBeforeRetry - 2) { _ = try yields(&spin, arrivingAt: 2) }
            #expect(spin.yieldsAfterEveryPoll)
            _ = try yields(&spin, arrivingAt: 2)
            #expect(!spin.yieldsAfterEveryPoll)
        }

        @Test
        func messagesInQuickSuccessionArriveWhetherPolledOrNot() throws {
            // A child answers each message at once: the receiver's window opens, and every reply still arrives,
            // in order, whether it was caught by polling or by sleeping.
            let (parentEnd, childEnd) = try Pipe()
            let process = Process(target: TestFunctions.echo, arguments: childEnd, context: workerContext(.spawn))
            try process.start()
            for number in 0..<500 {
                try parentEnd.send(number)
                let reply = try parentEnd.recv(Int.self)
                #expect(reply == number)
                if number % 100 == 99 { usleep(2_000) }
            }
            let more = try parentEnd.poll(timeout: .milliseconds(1))
            #expect(!more)
            parentEnd.close()
            try process.join()
            #expect(process.exitCode == 0)
        }
    }
}
