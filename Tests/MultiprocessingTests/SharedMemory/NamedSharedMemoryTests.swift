#if canImport(Glibc)
import Glibc
#endif
import LessonTestSupport
@testable import Multiprocessing
import MultiprocessingTestFunctions
import SystemPackage
import Testing

extension MultiprocessingSuite {
    /// ``SharedMemory`` with a name: attaching by name from processes that did not create the block, `unlink`, the
    /// last holder's removal of the name, and the reclaiming of blocks whose processes were killed.
    struct NamedSharedMemoryTests {
        @Test
        func aSecondObjectAttachesByNameAndSeesTheSameBytes() throws {
            let name = uniqueName("same")
            let block = try SharedMemory(name: "/" + name, create: true, size: 100)
            defer { block.close() }
            #expect(block.name == name && block.size == 100 && block.description.contains(name))
            #expect(exists(name))
            let same = try SharedMemory(name: name, size: 1_000_000)
            defer { same.close() }
            #expect(same.name == name && same.size == 100, "the size of an attach is ignored, as in Python")
            block[99] = 42
            #expect(same[99] == 42)
            same[0] = 7
            #expect(try block.bytes(in: 0..<2) == [7, 0])
        }

        @Test
        func aBlockWithoutANameIsAnonymousAsBefore() throws {
            let block = try SharedMemory(size: 8)
            #expect(block.name == nil && block.description == "SharedMemory(size: 8)")
            #expect(throws: MultiprocessingError.self) { try block.unlink() }
            let generated = try SharedMemory(name: nil, create: true, size: 8)
            defer { generated.close() }
            let name = try #require(generated.name)
            #expect(name.hasPrefix("swiftmp_") && exists(name))
        }

        @Test
        func anUnrelatedProcessAttachesByName() throws {
            let context = workerContext(.spawn)
            let arguments = NamedBlock(name: uniqueName("unrelated"), size: 4096, ready: try Event(), done: try Event())
            // Siblings: the process that attaches was not started by the one that creates.
            let creator = Process(target: SharedMemoryTestFunctions.createAndWait, arguments: arguments,
                                  context: context)
            let attacher = Process(target: SharedMemoryTestFunctions.attachAndWrite, arguments: arguments,
                                   context: context)
            try creator.start()
            try attacher.start()
            #expect(try attacher.value(as: [Int].self, timeout: .seconds(20)) == [4096, 1])
            #expect(try creator.value(as: [UInt8].self, timeout: .seconds(20)) == [7, 7, 7])
            // Both closed it: the last removed its name.
            #expect(!exists(arguments.name))
        }

        @Test(arguments: runnerMethods)
        func aChildGetsANamedBlockInItsArgumentsAndHoldsItToo(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let name = uniqueName("passed")
            let block = try SharedMemory(name: name, create: true, size: 16)
            let child = Process(target: SharedMemoryTestFunctions.writePassedBlock, arguments: block, context: context)
            try child.start()
            #expect(try child.value(as: String.self, timeout: .seconds(10)) == name)
            #expect(try block.bytes(in: 0..<4) == [1, 2, 3, 0])
            // The child's exit did not take the name from under this process.
            #expect(exists(name))
            block.close()
            #expect(!exists(name))
        }

        @Test
        func unlinkRemovesTheNameButNotTheMemory() throws {
            let name = uniqueName("unlink")
            let block = try SharedMemory(name: name, create: true, size: 32)
            let same = try SharedMemory(name: name)
            try same.unlink()
            #expect(!exists(name))
            expectCode(.notFound) { _ = try SharedMemory(name: name) }
            block[3] = 3
            #expect(same[3] == 3, "both still map the memory")
            // Python: "a second shm_unlink() call is bad".
            expectCode(.notFound) { try block.unlink() }
            expectCode(.notFound) { try same.unlink() }
            // The name is free for a new block, which the old ones' close does not touch.
            let next = try SharedMemory(name: name, create: true, size: 8)
            block.close()
            same.close()
            #expect(exists(name) && next[0] == 0)
            try next.unlink()
            next.close()
            #expect(!exists(name))
        }

        @Test
        func theLastHolderToCloseRemovesTheName() throws {
            let name = uniqueName("last")
            let block = try SharedMemory(name: name, create: true, size: 32)
            let same = try SharedMemory(name: name)
            block.close()
            block.close()
            #expect(exists(name), "another holder has it open")
            expectCode(.closed) { _ = try block.bytes(in: 0..<1) }
            same.close()
            #expect(!exists(name))
            // Python's order, close() then unlink(), still works on the object that removed it.
            try same.unlink()
            expectCode(.notFound) { try block.unlink() }
        }

        @Test
        func aBlockGoesWithItsLastObject() throws {
            let name = uniqueName("deinit")
            do {
                let block = try SharedMemory(name: name, create: true, size: 32)
                #expect(exists(name) && block.size == 32)
            }
            #expect(!exists(name))
        }

        @Test
        func attachingNeverRemovesABlockThisLibraryDidNotCreate() throws {
            let name = uniqueName("foreign")
            // As Python's shm_open makes it: mode 0600, no lock.
            let raw = open(SharedMemoryDirectory.path + "/" + name, O_RDWR | O_CREAT | O_EXCL, 0o600)
            #expect(raw >= 0 && ftruncate(raw, 64) == 0)
            close(raw)
            defer { unlink(SharedMemoryDirectory.path + "/" + name) }
            let block = try SharedMemory(name: name)
            block[0] = 1
            block.close()
            #expect(!(try SharedMemory.reclaimAbandoned()).contains(name))
            #expect(exists(name))
        }

        @Test
        func creatingUnderATakenNameOrAttachingToAMissingOneIsAnError() throws {
            let name = uniqueName("errors")
            let block = try SharedMemory(name: name, create: true, size: 512)
            defer { block.close() }
            expectCode(.alreadyExists) { _ = try SharedMemory(name: name, create: true, size: 512) }
            expectCode(.notFound) { _ = try SharedMemory(name: uniqueName("missing")) }
            #expect(block[0] == 0, "the failed creation did not touch the block")
        }

        @Test
        func aKilledCreatorsBlockIsReclaimed() throws {
            let context = workerContext(.spawn)
            let arguments = NamedBlock(name: uniqueName("killed"), size: 4096, ready: try Event(), done: try Event())
            let creator = Process(target: SharedMemoryTestFunctions.createAndDie, arguments: arguments,
                                  context: context)
            try creator.start()
            #expect(try creator.join(timeout: .seconds(10)))
            #expect(creator.exitCode == -SIGKILL)
            #expect(exists(arguments.name), "nobody closed it")
            // Anyone can still attach until a sweep; while it does, the block is held again.
            let attached = try SharedMemory(name: arguments.name)
            #expect(SharedMemoryTestFunctions.holdsPattern(attached))
            #expect(!(try SharedMemory.reclaimAbandoned()).contains(arguments.name))
            attached.close()
            #expect(!exists(arguments.name), "the attached process was its last holder")

            // Killed again, and nobody attaches: the next creation anywhere sweeps it.
            let again = NamedBlock(name: uniqueName("killed"), size: 64, ready: try Event(), done: try Event())
            let second = Process(target: SharedMemoryTestFunctions.createAndDie, arguments: again, context: context)
            try second.start()
            #expect(try second.join(timeout: .seconds(10)))
            #expect(exists(again.name))
            let unrelated = try SharedMemory(name: nil, create: true, size: 8)
            unrelated.close()
            #expect(!exists(again.name))
        }

        @Test
        func sweepsAndLastClosesRacingWithAttachesNeverRemoveABlockInUse() throws {
            let context = workerContext(.spawn)
            let name = uniqueName("churn")
            let held = try SharedMemory(name: name, create: true, size: 64)
            held[0] = 42
            let start = try Event()
            let churners = (0..<3).map { _ in
                Process(target: SharedMemoryTestFunctions.churn,
                        arguments: Churn(name: name, rounds: 300, start: start), context: context)
            }
            for churner in churners { try churner.start() }
            start.set()
            for churner in churners {
                #expect(try churner.value(as: Int.self, timeout: .seconds(60)) == 300)
            }
            #expect(exists(name), "this process holds it throughout")
            held.close()
            #expect(!exists(name))
        }

        @Test
        func theFirstProcessOfANamespaceHoldsItsBlockUntilKilled() throws {
            let name = uniqueName("pid1")
            var configuration = SpawnConfiguration(
                executable: BuiltExecutables.productsFolder.appending("multiprocessing-test-worker"),
                arguments: ["hold-shared-memory", name, "4096"])
            configuration.standardOutput = .pipe
            let container = try ProcessContainer.spawn(configuration, containment: .pidNamespace)
            let output = try #require(container.root.takeStandardOutput())
            defer { try? output.close() }
            let line = try readLine(output)
            #expect(container.containment == .pidNamespace, "\(ProcessContainer.namespaceFallbackReason ?? "")")
            #expect(line == "ready 1", "the creator is process 1 of its namespace")
            // Attached by a process the creator did not start; closing it leaves the creator's hold.
            let attached = try SharedMemory(name: name)
            #expect(attached.size == 4096 && SharedMemoryTestFunctions.holdsPattern(attached))
            attached.close()
            #expect(exists(name))
            #expect(!(try SharedMemory.reclaimAbandoned()).contains(name), "the creator is alive")
            try container.root.send(.kill)
            #expect(try container.root.wait() == .signaled(.kill))
            _ = try container.terminateAll(grace: .zero)
            #expect(try SharedMemory.reclaimAbandoned().contains(name))
            #expect(!exists(name))
        }

        @Test(.enabled(if: access(python, X_OK) == 0, "needs \(python)"))
        func attachingToAPythonProgramsBlockLeavesItToPython() throws {
            let name = uniqueName("python")
            var configuration = SpawnConfiguration(executable: FilePath(python),
                                                   arguments: ["-c", pythonPeer, name, "create"])
            configuration.standardInput = .pipe
            configuration.standardOutput = .pipe
            let peer = try ChildProcess.spawn(configuration)
            let input = try #require(peer.takeStandardInput())
            let output = try #require(peer.takeStandardOutput())
            defer { try? output.close() }
            #expect(try readLine(output) == "ready")
            let block = try SharedMemory(name: name)
            #expect(try block.bytes(in: 0..<5) == Array("hello".utf8))
            block.withUnsafeMutableBytes { $0[5..<10].copyBytes(from: Array("world".utf8)) }
            block.close()
            #expect(exists(name), "closing a block Python made leaves its name to Python")
            #expect(!(try SharedMemory.reclaimAbandoned()).contains(name))
            _ = try input.writeAll(Array("go\n".utf8))
            try input.close()
            #expect(try readLine(output) == "world")
            #expect(try peer.wait() == .exited(0))
            #expect(!exists(name), "Python unlinked it")
        }

        @Test(.enabled(if: access(python, X_OK) == 0, "needs \(python)"))
        func aPythonProgramAttachesToABlockMadeHere() throws {
            let name = uniqueName("python")
            let block = try SharedMemory(name: name, create: true, size: 64)
            block.withUnsafeMutableBytes { $0[0..<5].copyBytes(from: Array("hello".utf8)) }
            let finished = try run(SpawnConfiguration(executable: FilePath(python),
                                                      arguments: ["-c", pythonPeer, name, "attach"]))
            #expect(finished.status == .exited(0), "\(finished.error)")
            #expect(finished.output == "hello\n")
            #expect(try block.bytes(in: 5..<10) == Array("world".utf8))
            block.close()
            #expect(!exists(name))
        }
    }
}

/// The Python interpreter the interoperability tests run.
private let python = "/usr/bin/python3"

/// Python's side: `create` makes the block NAME with "hello", says "ready", waits for a line, prints what is at
/// 5..<10 and unlinks it; `attach` prints what is at 0..<5 and writes "world" at 5..<10. Python's resource tracker
/// is kept out: it would start a process of its own, and unlink at exit a block it only attached to.
private let pythonPeer = """
    import sys
    from multiprocessing import resource_tracker, shared_memory
    resource_tracker.register = resource_tracker.unregister = lambda name, rtype: None
    name, mode = sys.argv[1], sys.argv[2]
    if mode == "create":
        shm = shared_memory.SharedMemory(name, create=True, size=64)
        shm.buf[:5] = b"hello"
        print("ready", flush=True)
        sys.stdin.readline()
        print(bytes(shm.buf[5:10]).decode(), flush=True)
        shm.close()
        shm.unlink()
    else:
        shm = shared_memory.SharedMemory(name)
        print(bytes(shm.buf[:5]).decode(), flush=True)
        shm.buf[5:10] = b"world"
        shm.close()
    """

/// A name no other test run on this machine uses.
private func uniqueName(_ what: String) -> String {
    "test_\(what)_\(getpid())_\(UInt32.random(in: .min ... .max))"
}

/// Whether `name` is under /dev/shm.
private func exists(_ name: String) -> Bool {
    access(SharedMemoryDirectory.path + "/" + name, F_OK) == 0
}
