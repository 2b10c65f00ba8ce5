#if canImport(Glibc)
import Glibc
#endif
@testable import Multiprocessing
import SystemPackage
import Testing

/// ``ProcessContainer/Containment/pidNamespace``: the root is process 1 of a namespace of its own, and the kernel
/// ends every member with it.
@Suite struct NamespaceContainmentTests {
    @Test func theRootIsTheFirstProcessOfItsOwnNamespaceWithItsOwnProc() throws {
        var configuration = quietShell(#"echo "$$"; ls /proc | grep -c '^[0-9]'"#)
        configuration.standardOutput = .pipe
        let container = try ProcessContainer.spawn(configuration, containment: .pidNamespace)
        #expect(container.containment == .pidNamespace)
        let output = try readAll(try #require(container.root.takeStandardOutput()))
        // The shell itself and the `ls` it started, which `grep` counts while both run: 2 or 3 with grep.
        let lines = output.split(separator: "\n")
        #expect(lines.first == "1", "the root sees itself as process 1")
        #expect((2...3).contains(Int(lines.last ?? "") ?? 0), "its /proc shows only its namespace: \(output)")
        let teardown = try container.terminateAll(grace: .seconds(1))
        #expect(teardown.rootStatus == .exited(0))
    }

    @Test(arguments: [
        ("sleep 100 & wait", 1), ("setsid sleep 100 & wait", 1), ("(setsid sh -c 'sleep 100 &') ; sleep 100", 2),
    ])
    func killingTheRootEndsEveryMemberWithoutAScan(script: String, sleepers: Int) throws {
        let container = try ProcessContainer.spawn(quietShell(script), containment: .pidNamespace)
        // The members are visible from here, under their ids in this namespace. Shells in between come and go, so
        // the test waits for the sleepers themselves.
        var members: [ProcessIdentity] = []
        let ready = eventually {
            members = container.strays().compactMap(ProcessIdentity.init).filter { $0.command == "sleep" }
            return members.count == sleepers
        }
        #expect(ready, "the shell started its sleepers: \(members)")
        try container.root.send(.kill)
        #expect(try container.root.wait() == .signaled(.kill))
        // The kernel ended the namespace before the root's exit could be seen.
        #expect(members.allSatisfy { !$0.exists }, "\(members.filter(\.exists)) outlived the root")
        #expect(try container.terminateAll(grace: .seconds(1)).rootStatus == .signaled(.kill))
        expectGone(members)
        expectNoUnclaimedZombies()
    }

    @Test func theRootDiesWithTheThreadThatSpawnedIt() throws {
        // A thread spawns the root and ends; the parent-death signal is tied to that thread.
        let spawned = ChildProcessBox()
        let thread = try SpawnThread {
            spawned.container = try? ProcessContainer.spawn(quietShell("sleep 100 & wait"), containment: .pidNamespace)
        }
        thread.join()
        let container = try #require(spawned.container)
        #expect(try container.root.wait(timeout: .seconds(5)) == .signaled(.kill))
        _ = try container.terminateAll(grace: .zero)
    }
}

/// Carries a container out of a thread.
private final class ChildProcessBox: @unchecked Sendable {
    var container: ProcessContainer?
}

/// A plain POSIX thread (not a pooled one), so that its end is the end of the spawning thread.
private final class SpawnThread {
    private var thread = pthread_t()
    init(_ body: @escaping @Sendable () -> Void) throws {
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        let result = pthread_create(&thread, nil, { argument in
            let body = Unmanaged<Body>.fromOpaque(argument!).takeRetainedValue()
            body.run()
            return nil
        }, box)
        if result != 0 { throw Errno(rawValue: result) }
    }

    func join() { pthread_join(thread, nil) }

    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}
