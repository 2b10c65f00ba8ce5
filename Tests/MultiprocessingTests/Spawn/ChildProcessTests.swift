#if canImport(Glibc)
import Glibc
#endif
@testable import Multiprocessing
import SystemPackage
import Testing

@Suite struct ChildProcessTests {
    @Test func exitCodeIsReported() throws {
        #expect(try shell("exit 0").status == .exited(0))
        #expect(try shell("exit 3").status == .exited(3))
        #expect(try shell("exit 255").status.pythonExitCode == 255)
    }

    @Test func signalDeathIsReported() throws {
        let finished = try shell("kill -SEGV $$")
        #expect(finished.status == .signaled(.segmentationFault))
        #expect(finished.status.pythonExitCode == -SIGSEGV)
    }

    @Test func pipesCaptureOutputAndErrorSeparately() throws {
        let finished = try shell("echo out; echo err >&2; echo more")
        #expect(finished.output == "out\nmore\n")
        #expect(finished.error == "err\n")
        #expect(finished.status == .exited(0))
    }

    @Test func standardInputIsDevNullByDefault() throws {
        let finished = try run(SpawnConfiguration(executable: "/usr/bin/readlink", arguments: ["/proc/self/fd/0"]))
        #expect(finished.output == "/dev/null\n")
        // And reading it ends at once.
        #expect(try shell("cat; echo done").output == "done\n")
    }

    @Test func standardInputPipeFeedsTheChild() throws {
        var configuration = SpawnConfiguration(executable: "/bin/cat")
        configuration.standardInput = .pipe
        configuration.standardOutput = .pipe
        let child = try ChildProcess.spawn(configuration)
        let input = try #require(child.takeStandardInput())
        #expect(child.takeStandardInput() == nil, "a pipe end is handed out once")
        _ = try input.writeAll("hello\n".utf8)
        try input.close()
        #expect(try readAll(try #require(child.takeStandardOutput())) == "hello\n")
        #expect(try child.wait() == .exited(0))
    }

    @Test func onlyStandardAndInheritedDescriptorsAreOpenInTheChild() throws {
        // A descriptor this process opened without close-on-exec must not leak.
        let leaky = open("/dev/null", O_RDONLY)
        try #require(leaky >= 0)
        defer { close(leaky) }
        #expect(fcntl(leaky, F_GETFD) & FD_CLOEXEC == 0)

        // `; true` keeps dash from exec'ing ls, so `$$` is the shell and ls's own directory is not listed.
        let plain = try shell("ls /proc/$$/fd; true")
        #expect(plain.output == "0\n1\n2\n")

        let descriptors = OpenedDescriptors()
        let (readEnd, writeEnd) = try descriptors.pipe()
        let inheriting = try shell("ls /proc/$$/fd; true") { $0.inheritedDescriptors = [writeEnd, readEnd] }
        #expect(inheriting.output == "0\n1\n2\n3\n4\n")
    }

    @Test func inheritedDescriptorsArriveInOrder() throws {
        let descriptors = OpenedDescriptors()
        let first = try descriptors.pipe()
        let second = try descriptors.pipe()
        let finished = try shell("echo one >&3; echo two >&4") {
            $0.inheritedDescriptors = [first.writeEnd, second.writeEnd]
        }
        #expect(finished.status == .exited(0))
        try descriptors.close(first.writeEnd)
        try descriptors.close(second.writeEnd)
        #expect(try descriptors.readAllAndClose(first.readEnd) == "one\n")
        #expect(try descriptors.readAllAndClose(second.readEnd) == "two\n")
    }

    @Test func inheritedDescriptorsSwapWhenSourcesCollideWithTargets() throws {
        let descriptors = OpenedDescriptors()
        let first = try descriptors.pipe()
        let second = try descriptors.pipe()
        let filler = descriptors.adopt(try FileDescriptor.open("/dev/null", .writeOnly))
        // `first.writeEnd` goes to the number `second.writeEnd` has here, and the other way round.
        let a = first.writeEnd.rawValue
        let b = second.writeEnd.rawValue
        var inherited = [FileDescriptor](repeating: filler, count: Int(max(a, b)) - 2)
        inherited[Int(b) - 3] = first.writeEnd
        inherited[Int(a) - 3] = second.writeEnd
        // Also pass this process's standard error (fd 2, itself a target) as standard output.
        let finished = try shell("echo one >/proc/self/fd/\(b); echo two >/proc/self/fd/\(a); ls /proc/$$/fd; true") {
            $0.inheritedDescriptors = inherited
        }
        #expect(finished.status == .exited(0))
        let open = Set(finished.output.split(separator: "\n").compactMap { Int($0) })
        #expect(open == Set(0..<(inherited.count + 3)))
        try descriptors.close(first.writeEnd)
        try descriptors.close(second.writeEnd)
        #expect(try descriptors.readAllAndClose(first.readEnd) == "one\n")
        #expect(try descriptors.readAllAndClose(second.readEnd) == "two\n")
    }

    @Test func standardDescriptorsMayBeSwapped() throws {
        // This process's 2 becomes the child's 1 and its 1 the child's 2: each source is the other's target.
        let descriptors = OpenedDescriptors()
        let report = try descriptors.pipe()
        // dash applies `>&3` in the shell itself, so the links are read in a command substitution.
        let script = #"links=$(/usr/bin/readlink /proc/$$/fd/1 /proc/$$/fd/2); echo "$links" >&3"#
        var configuration = SpawnConfiguration(executable: "/bin/sh", arguments: ["-c", script])
        configuration.standardOutput = .descriptor(.standardError)
        configuration.standardError = .descriptor(.standardOutput)
        configuration.inheritedDescriptors = [report.writeEnd]
        let child = try ChildProcess.spawn(configuration)
        #expect(try child.wait() == .exited(0))
        try descriptors.close(report.writeEnd)
        let mine = try run(SpawnConfiguration(
            executable: "/usr/bin/readlink", arguments: ["/proc/\(getpid())/fd/2", "/proc/\(getpid())/fd/1"]
        ))
        let reported = try descriptors.readAllAndClose(report.readEnd)
        #expect(reported == mine.output)
    }

    @Test func environmentIsPassedExactly() throws {
        let finished = try run({
            var configuration = SpawnConfiguration(executable: "/usr/bin/env")
            configuration.environment = ["B": "two words", "A": "1", "EMPTY": ""]
            return configuration
        }())
        #expect(finished.output == "A=1\nB=two words\nEMPTY=\n")
    }

    @Test func environmentDefaultsToThisProcesssEnvironment() throws {
        let configuration = SpawnConfiguration(executable: "/usr/bin/env")
        #expect(configuration.environment["PATH"] == String(cString: getenv("PATH")))
        let lines = try run(configuration).output.split(separator: "\n").map(String.init)
        #expect(lines.count == configuration.environment.count)
        #expect(lines.contains("PATH=\(configuration.environment["PATH"]!)"))
    }

    @Test func argumentZeroAndWorkingDirectory() throws {
        var configuration = SpawnConfiguration(executable: "/bin/cat", arguments: ["/proc/self/cmdline"])
        configuration.argument0 = "kitty"
        #expect(try run(configuration).output == "kitty\u{0}/proc/self/cmdline\u{0}")

        var directory = SpawnConfiguration(executable: "/bin/pwd")
        directory.workingDirectory = "/usr/lib"
        #expect(try run(directory).output == "/usr/lib\n")
    }

    /// Reads (pid, pgrp, session) of `/bin/cat` itself from its /proc/self/stat.
    private func groupAndSession(_ policy: ProcessGroupPolicy) throws -> (ChildProcess, ProcessStat) {
        var configuration = SpawnConfiguration(executable: "/bin/cat", arguments: ["/proc/self/stat"])
        configuration.processGroup = policy
        configuration.standardOutput = .pipe
        let child = try ChildProcess.spawn(configuration)
        let output = try readAll(try #require(child.takeStandardOutput()))
        #expect(try child.wait() == .exited(0))
        return (child, try #require(ProcessTable.parse(stat: Array(output.utf8))))
    }

    @Test func processGroupPolicies() throws {
        let me = try #require(ProcessTable.stat(of: getpid()))

        let (inherit, inheritStat) = try groupAndSession(.inherit)
        #expect(inherit.processGroup == nil)
        #expect(inheritStat.processGroup == me.processGroup)
        #expect(inheritStat.session == me.session)

        let (group, groupStat) = try groupAndSession(.newGroup)
        #expect(group.processGroup == group.id)
        #expect(groupStat.id == group.id.rawValue)
        #expect(groupStat.processGroup == group.id.rawValue)
        #expect(groupStat.session == me.session)

        let (session, sessionStat) = try groupAndSession(.newSession)
        #expect(session.processGroup == session.id)
        #expect(sessionStat.processGroup == session.id.rawValue)
        #expect(sessionStat.session == session.id.rawValue)
    }

    @Test func signalsStartUnblockedAndAtDefault() throws {
        let previous = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previous) }
        // Even if this process ignores SIGPIPE (as Swift programs often do) the child must not.
        let status = try run(SpawnConfiguration(executable: "/bin/cat", arguments: ["/proc/self/status"])).output
        func mask(_ name: String) -> UInt64? {
            let line = status.split(separator: "\n").first { $0.hasPrefix("\(name):\t") }
            return line.flatMap { UInt64($0.dropFirst(name.count + 2), radix: 16) }
        }
        #expect(mask("SigBlk") == 0)
        // Signals 1 to 31. glibc's posix_spawn leaves its internal signals 32 and 33 ignored, on purpose; every
        // glibc program installs its handlers for them at startup.
        #expect(mask("SigIgn").map { $0 & 0x7fff_ffff } == 0)
    }

    @Test func missingExecutableIsAnError() throws {
        let error = try #require(throws: SpawnError.self) {
            try ChildProcess.spawn(SpawnConfiguration(executable: "/no/such/program"))
        }
        #expect(error.code == .spawnFailed)
        #expect(error.underlyingError == .noSuchFileOrDirectory)
        #expect(error.description.contains("/no/such/program"))

        let notExecutable = try #require(throws: SpawnError.self) {
            try ChildProcess.spawn(SpawnConfiguration(executable: "/etc/passwd"))
        }
        #expect(notExecutable.underlyingError == .permissionDenied)

        let invalid = try #require(throws: SpawnError.self) {
            try ChildProcess.spawn(SpawnConfiguration(executable: "/bin/sh", arguments: ["a\u{0}b"]))
        }
        #expect(invalid.code == .invalidConfiguration)
    }

    @Test func exitDescriptorBecomesReadableOnExit() throws {
        var configuration = SpawnConfiguration(executable: "/bin/sh", arguments: ["-c", "read line; exit 4"])
        configuration.standardInput = .pipe
        let child = try ChildProcess.spawn(configuration)
        let input = try #require(child.takeStandardInput())
        func readable(_ milliseconds: Int32) -> Bool {
            var entry = pollfd(fd: child.exitDescriptor.rawValue, events: Int16(POLLIN), revents: 0)
            return Glibc.poll(&entry, 1, milliseconds) == 1 && entry.revents & Int16(POLLIN) != 0
        }
        #expect(!readable(50))
        #expect(try child.poll() == nil)
        _ = try input.writeAll("go\n".utf8)
        try input.close()
        #expect(readable(5000))
        #expect(try child.wait() == .exited(4))
        #expect(try child.poll() == .exited(4), "the status is cached")
    }

    @Test func waitWithTimeout() throws {
        let child = try ChildProcess.spawn(SpawnConfiguration(executable: "/bin/sleep", arguments: ["0.3"]))
        let clock = ContinuousClock()
        let start = clock.now
        #expect(try child.wait(timeout: .milliseconds(50)) == nil)
        #expect(clock.now - start >= .milliseconds(50))
        #expect(try child.wait(timeout: .seconds(5)) == .exited(0))
        #expect(clock.now - start < .seconds(4))
        #expect(try child.wait(timeout: .zero) == .exited(0))
        #expect(try child.wait() == .exited(0))
    }

    @Test func sendSignalsAndToleratesExitedChildren() throws {
        let child = try ChildProcess.spawn(SpawnConfiguration(executable: "/bin/sleep", arguments: ["100"]))
        #expect(try child.poll() == nil)
        try child.send(.terminate)
        #expect(try child.wait() == .signaled(.terminate))
        try child.send(.kill)  // Reaped already: not an error.

        let error = try #require(throws: SpawnError.self) { try child.sendToGroup(.terminate) }
        #expect(error.code == .noProcessGroup)
    }

    @Test func sendToGroupReachesTheWholeGroup() throws {
        var configuration = quietShell("sleep 100 & sleep 100 & echo ready; wait")
        configuration.processGroup = .newGroup
        configuration.standardOutput = .pipe
        let child = try ChildProcess.spawn(configuration)
        let output = try #require(child.takeStandardOutput())
        var byte: UInt8 = 0
        _ = try withUnsafeMutableBytes(of: &byte) { try output.read(into: $0) }
        try output.close()
        let group = try #require(child.processGroup).rawValue
        let members = ProcessTable.all().filter { $0.processGroup == group }
        #expect(members.count == 3)
        try child.sendToGroup(.kill)
        #expect(try child.wait() == .signaled(.kill))
        // The sleeps were orphaned (to us, if a container made this process a subreaper, or to init) and died.
        #expect(eventually { members.allSatisfy { ProcessTable.stat(of: $0.id).map { $0.isZombie } ?? true } })
        Subreaper.reapAdoptedZombies()
    }

    @Test func deinitKillsAndReapsAForgottenChild() throws {
        var identity: ProcessIdentity?
        do {
            let child = try ChildProcess.spawn(SpawnConfiguration(executable: "/bin/sleep", arguments: ["100"]))
            identity = ProcessIdentity(child.id)
            #expect(identity?.isAlive == true)
        }
        let process = try #require(identity)
        expectGone([process])
        #expect(!ChildRegistry.snapshot().contains(process.id))
    }

    @Test func concurrentWaitersGetTheSameStatus() async throws {
        let child = try ChildProcess.spawn(
            SpawnConfiguration(executable: "/bin/sh", arguments: ["-c", "sleep 0.1; exit 7"])
        )
        let statuses = try await withThrowingTaskGroup(of: TerminationStatus.self) { group in
            for _ in 0..<4 {
                group.addTask { try child.wait() }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: .exited(7), count: 4))
    }

    @Test func processIDs() {
        #expect(ProcessID.current.rawValue == getpid())
        #expect(ProcessID.parent.rawValue == getppid())
        #expect(ProcessID(rawValue: 42).description == "42")
    }
}
