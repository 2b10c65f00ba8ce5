#if canImport(Glibc)
import Glibc
#endif
@testable import Multiprocessing
import SystemPackage
import Testing

@Suite struct ProcessContainerTests {
    /// Waits until the container holds strays running each of `commands` (as many times as listed), and returns
    /// all its strays.
    private func waitForStrays(_ container: ProcessContainer, running commands: [String]) throws -> [ProcessIdentity] {
        var strays: [ProcessIdentity] = []
        let ready = eventually {
            strays = container.strays().compactMap(ProcessIdentity.init)
            let running = strays.map(\.command)
            return commands.allSatisfy { command in
                running.filter { $0 == command }.count >= commands.filter { $0 == command }.count
            }
        }
        try #require(ready, "strays are \(strays), expected \(commands)")
        return strays
    }

    @Test func spawnMarksTheRootAndGivesItAGroup() throws {
        let container = try ProcessContainer.spawn(quietShell("exit 0"))
        #expect(Subreaper.isEnabled)
        #expect(container.root.processGroup == container.root.id)
        #expect(container.token.hasPrefix("\(getpid())-"))
        let teardown = try container.terminateAll(grace: .seconds(1))
        #expect(teardown.rootStatus == .exited(0) || teardown.rootStatus == .signaled(.terminate))
        #expect(teardown.straysTerminated == 0 && teardown.straysKilled == 0)

        var configuration = SpawnConfiguration(executable: "/usr/bin/env")
        configuration.environment = ["A": "1"]
        configuration.standardOutput = .pipe
        let printer = try ProcessContainer.spawn(configuration)
        let output = try readAll(try #require(printer.root.takeStandardOutput()))
        #expect(output == "A=1\n\(ProcessContainer.environmentKey)=\(printer.token)\n")
        #expect(try printer.root.wait() == .exited(0))
        #expect(try printer.terminateAll(grace: .seconds(1)).rootStatus == .exited(0))
    }

    @Test func killsAGrandchildThatIgnoresTerminate() throws {
        let container = try ProcessContainer.spawn(
            quietShell(#"sh -c "trap \"\" TERM; while :; do sleep 1; done" & wait"#)
        )
        let root = try #require(ProcessIdentity(container.root.id))
        // The inner shell runs sleep only after it has set its trap.
        let strays = try waitForStrays(container, running: ["sh", "sleep"])
        let teardown = try container.terminateAll(grace: .milliseconds(200))
        #expect(teardown.rootStatus == .signaled(.terminate))
        #expect(teardown.straysKilled >= 1, "the inner shell ignores SIGTERM: \(teardown)")
        #expect(container.strays().isEmpty)
        expectGone(strays + [root])
        expectNoUnclaimedZombies()
    }

    @Test func killsAnEscapeeInItsOwnSession() throws {
        let container = try ProcessContainer.spawn(
            quietShell(#"setsid sh -c 'trap "" TERM; sleep 100' & wait"#)
        )
        let root = try #require(ProcessIdentity(container.root.id))
        let strays = try waitForStrays(container, running: ["sh", "sleep"])
        let escapee = try #require(strays.first { $0.command == "sh" })
        #expect(ProcessTable.stat(of: escapee.id)?.session == escapee.id, "setsid made a new session")
        let teardown = try container.terminateAll(grace: .milliseconds(200))
        #expect(teardown.straysKilled >= 1, "\(teardown)")
        expectGone(strays + [root])
        expectNoUnclaimedZombies()
    }

    @Test func endsWhatTheRootLeftBehind() throws {
        let container = try ProcessContainer.spawn(quietShell("sleep 100 & exit 0"))
        let root = try #require(ProcessIdentity(container.root.id))
        #expect(try container.root.wait() == .exited(0))
        // The orphan was reparented to this process and is found by its token.
        let strays = try waitForStrays(container, running: ["sleep"])
        #expect(strays.count == 1)
        #expect(ProcessTable.stat(of: strays[0].id)?.parent == getpid())
        let teardown = try container.terminateAll(grace: .seconds(2))
        #expect(teardown.rootStatus == .exited(0))
        #expect(teardown.straysTerminated == 1)
        #expect(teardown.straysKilled == 0)
        expectGone(strays + [root])
        expectNoUnclaimedZombies()

        // Again: nothing left, the same status.
        let again = try container.terminateAll(grace: .zero)
        #expect(again.rootStatus == .exited(0))
        #expect(again.straysTerminated == 0 && again.straysKilled == 0)
    }

    @Test func findsAnOrphanThatDroppedTheTokenIfSeenBefore() throws {
        // The grandchild clears its environment, so only the container's memory of it attributes it once the
        // root is gone.
        let container = try ProcessContainer.spawn(quietShell("env -i /bin/sleep 100 & wait"))
        let strays = try waitForStrays(container, running: ["sleep"])
        try container.root.send(.kill)
        #expect(try container.root.wait() == .signaled(.kill))
        #expect(container.strays().map(\.rawValue) == strays.map(\.id))
        let teardown = try container.terminateAll(grace: .seconds(2))
        #expect(teardown.straysTerminated == 1)
        expectGone(strays)
        expectNoUnclaimedZombies()
    }

    @Test func leavesOtherProcessesAlone() throws {
        let bystander = try ChildProcess.spawn(SpawnConfiguration(executable: "/bin/sleep", arguments: ["100"]))
        let container = try ProcessContainer.spawn(quietShell("sleep 100 & sleep 100 & wait"))
        let strays = try waitForStrays(container, running: ["sleep", "sleep"])
        #expect(!container.strays().contains(bystander.id))
        let teardown = try container.terminateAll(grace: .seconds(2))
        #expect(teardown.straysTerminated == 2)
        #expect(try bystander.poll() == nil, "a process outside the container survives")
        try bystander.send(.kill)
        #expect(try bystander.wait() == .signaled(.kill))
        expectGone(strays)
    }

    @Test func twoContainersDoNotTouchEachOther() async throws {
        let first = try ProcessContainer.spawn(quietShell("sleep 100 & exit 0"))
        let second = try ProcessContainer.spawn(quietShell("sleep 100 & exit 0"))
        #expect(first.token != second.token)
        #expect(try first.root.wait() == .exited(0))
        #expect(try second.root.wait() == .exited(0))
        let firstStrays = try waitForStrays(first, running: ["sleep"])
        let secondStrays = try waitForStrays(second, running: ["sleep"])
        #expect(Set(firstStrays).isDisjoint(with: secondStrays))

        // Ending one leaves the other's orphan alone.
        let teardown = try first.terminateAll(grace: .seconds(2))
        #expect(teardown.straysTerminated == 1)
        expectGone(firstStrays)
        #expect(secondStrays.allSatisfy { $0.isAlive })
        #expect(second.strays().map(\.rawValue) == secondStrays.map(\.id))
        try second.terminateAll(grace: .seconds(2))
        expectGone(secondStrays)

        // Both at once, from different threads: each ends exactly its own.
        let containers = try (0..<2).map { _ in try ProcessContainer.spawn(quietShell("sleep 100 & sleep 100 & wait")) }
        var all: [ProcessIdentity] = []
        for container in containers {
            all += try waitForStrays(container, running: ["sleep", "sleep"])
        }
        let teardowns = try await withThrowingTaskGroup(of: ContainerTeardown.self) { group in
            for container in containers {
                group.addTask { try container.terminateAll(grace: .seconds(2)) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for teardown in teardowns {
            #expect(teardown.straysTerminated + teardown.straysKilled == 2, "\(teardown)")
        }
        expectGone(all)
        expectNoUnclaimedZombies()
    }

    @Test func killsAProcessThatForksWhileBeingKilled() throws {
        // The root ignores SIGTERM and keeps starting strays that escape its group and ignore SIGTERM too, so
        // some appear after the first round of SIGKILLs was aimed.
        let script = #"""
            trap "" TERM
            while :; do setsid sh -c 'trap "" TERM; exec sleep 100' & sleep 0.002; done
            """#
        let container = try ProcessContainer.spawn(quietShell(script))
        let root = try #require(ProcessIdentity(container.root.id))
        _ = try waitForStrays(container, running: ["sleep", "sleep", "sleep"])
        let teardown = try container.terminateAll(grace: .milliseconds(50))
        #expect(teardown.rootStatus == .signaled(.kill))
        #expect(teardown.straysKilled >= 3)
        #expect(container.strays().isEmpty)
        let me = getpid()
        let mark = "\(ProcessContainer.environmentKey)=\(container.token)"
        let left = ProcessTable.all().filter { process in
            process.parent == me && ProcessTable.environment(of: process.id, contains: mark) == true
        }
        #expect(left.isEmpty, "strays left: \(left.map(\.id))")
        expectGone([root])
        expectNoUnclaimedZombies()
    }

    @Test func theSweeperLeavesChildProcessesZombiesAlone() throws {
        let child = try ChildProcess.spawn(SpawnConfiguration(executable: "/bin/sh", arguments: ["-c", "exit 5"]))
        #expect(eventually { ProcessTable.stat(of: child.id.rawValue)?.isZombie == true })
        Subreaper.reapAdoptedZombies()
        #expect(ProcessTable.stat(of: child.id.rawValue)?.isZombie == true, "still the ChildProcess's to reap")
        #expect(try child.wait() == .exited(5))
    }

    @Test func deinitEndsAForgottenContainer() throws {
        var everything: [ProcessIdentity] = []
        do {
            let container = try ProcessContainer.spawn(quietShell(#"trap "" TERM; sleep 100 & wait"#))
            everything = try waitForStrays(container, running: ["sleep"])
            everything += [try #require(ProcessIdentity(container.root.id))]
        }
        expectGone(everything)
        expectNoUnclaimedZombies()
    }

    @Test func sweeperReapsAdoptedZombies() throws {
        try Subreaper.enable()
        // The child exits at once, leaving a grandchild that is reparented to us and exits a moment later.
        var configuration = quietShell("sleep 1 & echo $!")
        configuration.standardOutput = .pipe
        let child = try ChildProcess.spawn(configuration)
        // One line, not to end of file: the grandchild holds the pipe for its second, and a process another test
        // forks meanwhile (start method `fork`) holds a copy of every descriptor for as long as it runs.
        let standardOutput = try #require(child.takeStandardOutput())
        defer { try? standardOutput.close() }
        let output = try readLine(standardOutput)
        #expect(try child.wait() == .exited(0))
        let orphan = try #require(Int32(output.trimmingNewline).flatMap { ProcessIdentity(ProcessID(rawValue: $0)) })
        #expect(ProcessTable.stat(of: orphan.id)?.parent == getpid())
        // It becomes a zombie of ours (unless a sweep running in parallel has already reaped it).
        #expect(eventually { !orphan.isAlive })
        // A sweep passes over zombies while any spawn is in flight (it could be that spawn's child, not registered
        // yet), and tests in parallel spawn all the time: the test sweeps until one gets through.
        #expect(eventually {
            Subreaper.reapAdoptedZombies()
            return !orphan.exists
        }, "process \(orphan) is still there")
    }
}
