#if canImport(Glibc)
import Glibc
#endif
import LessonTestSupport
import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    struct ProcessTests {
        @Test(arguments: runnerMethods)
        func runsAFunctionAndReturnsItsResult(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let process = Process(target: TestFunctions.square, arguments: 12, context: context)
            #expect(process.pid == nil && process.exitCode == nil && !process.isAlive)
            try process.start()
            #expect(process.pid != nil)
            #expect(try process.join(timeout: .seconds(10)))
            #expect(process.exitCode == 0)
            #expect(try process.value(as: Int.self) == 144)
            #expect(!process.isAlive)
        }

        @Test(arguments: runnerMethods)
        func smallAndLargeArgumentsArriveWhole(method: StartMethod) throws {
            // A request that fits in the control socket's buffer is sent before the child starts; a larger one
            // (here 1 MiB, far above the socket's buffer) once it runs.
            let context = workerContext(method)
            defer { finishMethod(method) }
            for count in [0, 100, 1 << 20] {
                let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31) }
                let process = Process(target: TestFunctions.sumBytes, arguments: bytes, context: context)
                try process.start()
                let result = try process.value(as: [Int].self, timeout: .seconds(20))
                #expect(result == [bytes.reduce(0) { $0 + Int($1) }, count])
                #expect(process.exitCode == 0)
            }
        }

        @Test(arguments: runnerMethods)
        func namesFollowCreationOrderAndChildrenKnowTheirParent(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            #expect(currentProcess().name == "MainProcess")
            #expect(parentProcess() == nil)
            let first = Process(target: TestFunctions.identity, context: context)
            let second = Process(target: TestFunctions.identity, name: "worker", daemon: true, context: context)
            try first.start()
            try second.start()
            let firstNumber = Int(first.name.dropFirst("Process-".count))
            #expect(first.name.hasPrefix("Process-") && firstNumber != nil)
            let one = try first.value(as: [String].self)
            let two = try second.value(as: [String].self)
            #expect(one == [first.name, "MainProcess", "false", String(getpid())])
            #expect(two == ["worker", "MainProcess", "true", String(getpid())])
            let third = Process(target: TestFunctions.identity, context: context)
            try third.start()
            #expect(Int(third.name.dropFirst("Process-".count))! > firstNumber!)
            try third.join()
        }

        /// CPython: _TestProcess.test_process (names), test_parent_process; Python names a process when it is
        /// created (`Process-N`), and a child's children after the child (`Process-N:1`, …).
        @Test(arguments: runnerMethods)
        func processesAreNamedAtCreationAndChildrenInheritTheirStartMethod(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let unstarted = Process(target: TestFunctions.identity, context: context)
            #expect(unstarted.identity.count == 1 && unstarted.name == "Process-\(unstarted.identity[0])")
            let named = Process(target: TestFunctions.lineage, name: "worker", context: context)
            #expect(named.identity == [unstarted.identity[0] + 1], "numbered at creation, started or not")
            let plain = Process(target: TestFunctions.lineage, context: context)
            try named.start()
            try plain.start()
            let fromNamed = try named.value(as: [String].self)
            let fromPlain = try plain.value(as: [String].self)
            #expect(fromNamed == ["worker", "\(named.identity[0])", "Process-\(named.identity[0]):1", method.rawValue])
            #expect(fromPlain == [plain.name, "\(plain.identity[0])", "\(plain.name):1", method.rawValue])
        }

        /// CPython: _TestProcess.test_close — close() refuses a running child, then the object is spent.
        @Test func closeReleasesAnEndedChildAndRefusesARunningOne() throws {
            let context = workerContext(.spawn)
            let process = Process(target: TestFunctions.sleep, arguments: 60_000, context: context)
            try process.start()
            let running = #expect(throws: MultiprocessingError.self) { try process.close() }
            #expect(running?.code == .invalidState)
            try process.kill()
            try process.join()
            try process.close()
            try process.close()
            #expect(process.pid == nil && !process.isAlive)
            #expect(process.exitCode == -9, "how it ended is kept")
            for attempt in [{ try process.start() }, { _ = try process.join() }, { try process.terminate() }] {
                let error = #expect(throws: MultiprocessingError.self) { try attempt() }
                #expect(error?.code == .invalidState && error?.description.contains("closed") == true)
            }
        }

        /// CPython: _TestProcess.test_current, test_parent_process — the members of current_process(), and the
        /// authkey every child inherits.
        @Test(arguments: runnerMethods)
        func currentProcessHasPythonsMembersAndChildrenInheritTheAuthkey(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let me = currentProcess()
            #expect(me.isAlive && me.exitCode == nil && me.ident == me.pid && me.authkey.count == 32)
            let reply = try TestFunctions.currentMembers.run(Empty(), context: context)
            #expect(reply == [me.authkey.map { String($0, radix: 16) }.joined(), "true", "true", "nil", "true"])
        }

        @Test(arguments: runnerMethods)
        func anErrorThrownInTheChildComesBackWithItsDescription(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let process = Process(target: TestFunctions.fail, arguments: "no luck", context: context)
            try process.start()
            let error = #expect(throws: MultiprocessingError.self) { try process.value(as: Int.self) }
            #expect(error?.code == .childFailed)
            #expect(error?.remoteDescription == "no luck")
            #expect(process.exitCode == 1)
        }

        @Test(arguments: runnerMethods)
        func aKilledChildIsAnErrorWithTheNegatedSignal(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let process = Process(target: TestFunctions.sleep, arguments: 60_000, context: context)
            try process.start()
            #expect(process.isAlive)
            #expect(try !process.join(timeout: .milliseconds(50)))
            try process.kill()
            #expect(try process.join(timeout: .seconds(10)))
            #expect(process.exitCode == -9)
            let error = #expect(throws: MultiprocessingError.self) { try process.value(as: Int.self) }
            #expect(error?.code == .childDied)

            let terminated = Process(target: TestFunctions.sleep, arguments: 60_000, context: context)
            try terminated.start()
            try terminated.terminate()
            try terminated.join()
            #expect(terminated.exitCode == -15)
        }

        @Test(arguments: runnerMethods)
        func aCrashOrASilentExitIsAnErrorNotAHang(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let crash = Process(target: TestFunctions.raiseSignal, arguments: SIGSEGV, context: context)
            try crash.start()
            let crashed = #expect(throws: MultiprocessingError.self) {
                try crash.value(as: Int.self, timeout: .seconds(10))
            }
            #expect(crashed?.code == .childDied)
            #expect(crash.exitCode == -SIGSEGV)

            let silent = Process(target: TestFunctions.exitSilently, arguments: 3, context: context)
            try silent.start()
            let exited = #expect(throws: MultiprocessingError.self) {
                try silent.value(as: Int.self, timeout: .seconds(10))
            }
            #expect(exited?.code == .childDied)
            #expect(silent.exitCode == 3)
        }

        @Test(arguments: runnerMethods)
        func aFunctionTheChildDoesNotKnowIsAnError(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let unknown = ProcessFunction("test.not-registered") { (number: Int) in number }
            let process = Process(target: unknown, arguments: 1, context: context)
            try process.start()
            let error = #expect(throws: MultiprocessingError.self) { try process.value(as: Int.self) }
            #expect(error?.code == .functionNotRegistered)
            #expect(error?.remoteDescription?.contains("test.not-registered") == true)
        }

        @Test(arguments: runnerMethods)
        func timeoutsReturnWithoutEnding(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let process = Process(target: TestFunctions.sleep, arguments: 60_000, context: context)
            try process.start()
            let error = #expect(throws: MultiprocessingError.self) {
                try process.value(as: Int.self, timeout: .milliseconds(30))
            }
            #expect(error?.code == .timedOut)
            #expect(process.isAlive)
            #expect(activeChildren().contains { $0 === process })
            try process.kill()
            try process.join()
            #expect(!activeChildren().contains { $0 === process })
        }

        @Test(arguments: runnerMethods)
        func theChildsPrintsReachOurStandardStreams(method: StartMethod) throws {
            // A worker process starts a child that prints on the stdout and stderr it inherits from the worker,
            // whose streams go to files: the bootstrap must flush the child's buffered lines before it exits.
            let worker = BuiltExecutables.productsFolder.appending("multiprocessing-test-worker")
            let run = try CommandRun.run(worker, ["print-through-child", "3", method.rawValue])
            #expect(run.exitCode == 0)
            #expect(run.standardOutput == "out 1\nout 2\nout 3\n")
            #expect(run.standardError == "err done\n")
        }

        @Test
        func startingTwiceOrJoiningBeforeStartIsAnError() throws {
            let context = workerContext(.spawn)
            let process = Process(target: TestFunctions.square, arguments: 2, context: context)
            #expect(throws: MultiprocessingError.self) { try process.join() }
            try process.start()
            let again = #expect(throws: MultiprocessingError.self) { try process.start() }
            #expect(again?.code == .invalidState)
            try process.join()
        }

        @Test
        func forkIsRefusedInAMultiThreadedProcess() throws {
            let process = Process(target: TestFunctions.square, arguments: 2, context: workerContext(.fork))
            let error = #expect(throws: MultiprocessingError.self) { try process.start() }
            #expect(error?.code == .forkRefused)
            #expect(error?.description.contains("threads") == true)
        }

        @Test
        func anExecutableThatNeverBootstrapsIsAnError() throws {
            setExecutable("/bin/true")
            defer { _ = workerContext(.spawn) }
            let process = Process(target: TestFunctions.square, arguments: 2, context: getContext(.spawn))
            try process.start()
            let error = #expect(throws: MultiprocessingError.self) { try process.value(as: Int.self) }
            #expect(error?.code == .childDied)
            #expect(error?.description.contains("bootstrap") == true)
        }

        @Test
        func cpuCountHonoursTheAffinityMask() {
            let count = cpuCount()
            #expect(count >= 1)
            #expect(count <= Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        }
    }
}
