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
            let spin = AdaptiveSpin()
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
