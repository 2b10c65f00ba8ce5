import DemoHosting
import Dispatch
import Foundation
import LessonRunner
import LessonTestSupport
import Multiprocessing
import SystemPackage
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Cells forked from a host kept running (`CellServer`): the host is replaced when its file changes or it dies,
/// and a host that does not serve cells has them executed.
@Suite("cell server")
struct CellServerTests {
    func copy(_ source: FilePath, to destination: FilePath) throws {
        let bytes = try TemporaryFile.read(source.string)
        let descriptor = try FileDescriptor.open(
            destination, .writeOnly, options: [.create, .truncate, .closeOnExec],
            permissions: FilePermissions(rawValue: 0o755))
        try descriptor.closeAfter { _ = try descriptor.writeAll(bytes) }
    }

    func executor(_ path: FilePath) -> CellExecutor {
        var executor = CellExecutor(executable: path, terminationGrace: .milliseconds(200))
        executor.containment = .pidNamespace
        executor.start = .forkedFromHost
        executor.environment[ProcessCensus.tagVariable] = ProcessCensus.newTag()
        return executor
    }

    @Test func theNextCellAfterARebuildIsForkedFromTheNewHost() throws {
        let folder = try TemporaryFolder()
        let path = folder.path.appending("host")
        try copy(BuiltExecutables.demoHost, to: path)
        let executor = executor(path)
        defer { executor.stopCellServer() }
        let before = executor.execute(demo: "hello-lines", arguments: ["1"], timeout: .seconds(20))
        #expect(before.termination == .exited(0))
        let oldServer = try #require(executor.cellServerProcessIDs.only)
        #expect(executor.execute(demo: "process-square", arguments: ["6"], timeout: .seconds(20)).termination
                == .exited(127), "the course host has no such demo")
        #expect(executor.cellServerProcessIDs == [oldServer], "an unchanged host keeps serving")

        // A rebuild: a new file renamed over the old one, as linkers write their output.
        let rebuilt = folder.path.appending("host.new")
        try copy(BuiltExecutables.fixtures, to: rebuilt)
        #expect(rename(rebuilt.string, path.string) == 0)
        let after = executor.execute(demo: "process-square", arguments: ["6"], timeout: .seconds(30))
        #expect(after.termination == .exited(0))
        #expect(after.output.stdout.text.contains("6² = 36"), "the new executable ran")
        let newServer = try #require(executor.cellServerProcessIDs.only)
        #expect(newServer != oldServer)
        #expect(ProcessCensus.waitUntilGone([oldServer]).isEmpty, "the old host stopped once its cells ended")
    }

    @Test func cellsOneAfterAnotherSeeOnlyTheirOwnProcessesAndKeepTheDirectory() throws {
        let executor = executor(BuiltExecutables.fixtures)
        defer { executor.stopCellServer() }
        var directory = [CChar](repeating: 0, count: 4096)
        let here = String(cString: try #require(getcwd(&directory, directory.count)))
        var procMounts: [Int] = []
        // More cells than share one mount namespace, so that one is retired and another made.
        for index in 0..<(CellMountNamespaces.cellsPerNamespace + 8) {
            let whoami = executor.execute(demo: "whoami", arguments: [], timeout: .seconds(20))
            #expect(whoami.output.stdout.text.hasPrefix("pid 1\nprocesses 1\n"), "cell \(index): its own /proc")
            let mounts = executor.execute(demo: "mounts", arguments: [], timeout: .seconds(20))
            let lines = mounts.output.stdout.text.split(separator: "\n")
            #expect(lines.first == "directory \(here)"[...], "cell \(index): the runner's working directory")
            procMounts.append(lines.last.flatMap { Int($0.split(separator: " ").last ?? "") } ?? -1)
        }
        #expect(executor.cellServerProcessIDs.count == 1, "one host served them all")
        // The first `mounts` cell sees the host's mounts and the /proc of two cells; every pair adds two.
        let base = try #require(procMounts.first)
        let most = base + CellMountNamespaces.cellsPerNamespace - 2
        #expect(procMounts.allSatisfy { (base...most).contains($0) }, "no more /proc mounts than cells: \(procMounts)")
        let drops = zip(procMounts, procMounts.dropFirst()).filter { $0.1 < $0.0 }
        #expect(!drops.isEmpty && drops.allSatisfy { $0.0 == most && $0.1 == base },
                "a used-up namespace was replaced by a fresh one: \(procMounts)")
    }

    @Test func aHostThatDiedIsReplacedAndTheCellStillRuns() throws {
        let executor = executor(BuiltExecutables.fixtures)
        defer { executor.stopCellServer() }
        #expect(executor.execute(demo: "hello-lines", arguments: ["1"], timeout: .seconds(20)).termination == .exited(0))
        let first = try #require(executor.cellServerProcessIDs.only)
        #expect(kill(first, SIGKILL) == 0)
        let execution = executor.execute(demo: "hello-lines", arguments: ["2"], timeout: .seconds(20))
        #expect(execution.termination == .exited(0))
        #expect(execution.output.stdout.text == "Hello from a child process!\nline 1 of 2\nline 2 of 2\n")
        let second = try #require(executor.cellServerProcessIDs.only)
        #expect(second != first)
        #expect(ProcessCensus.waitUntilGone([first]).isEmpty, "the dead host was reaped")
    }

    @Test func aCellWhoseHostIsKilledWhileItRunsIsAnErrorNotAHang() throws {
        let executor = executor(BuiltExecutables.fixtures)
        defer { executor.stopCellServer() }
        #expect(executor.execute(demo: "hello-lines", arguments: ["1"], timeout: .seconds(20)).termination == .exited(0))
        let server = try #require(executor.cellServerProcessIDs.only)
        // A thread of its own: a task could wait behind the tests that block the cooperative pool.
        let killed = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            usleep(300_000)
            kill(server, SIGKILL)
            killed.signal()
        }
        let execution = executor.execute(demo: "sleeper", arguments: ["30"], timeout: .seconds(20))
        killed.wait()
        #expect(execution.duration < .seconds(10))
        #expect(!execution.timedOut)
        let result = execution.judged(cellID: "c", expectation: .success)
        #expect(result.status == .error)
        #expect(result.detail?.contains("ended while the cell ran") == true, "\(result.detail ?? "")")
    }

    @Test func aHostThatDoesNotServeCellsHasThemExecuted() throws {
        let folder = try TemporaryFolder()
        let path = folder.path.appending("old-host")
        let descriptor = try FileDescriptor.open(
            path, .writeOnly, options: [.create, .truncate, .closeOnExec], permissions: FilePermissions(rawValue: 0o755))
        try descriptor.closeAfter {
            _ = try descriptor.writeAll(Array("#!/bin/sh\necho \"executed ${LESSONRUNNER_CELL:-as a server} $1\"\n".utf8))
        }
        let executor = executor(path)
        let execution = executor.execute(demo: "hello-lines", arguments: ["one"], timeout: .seconds(20))
        #expect(execution.termination == .exited(0))
        #expect(execution.output.stdout.text == "executed hello-lines one\n")
        #expect(executor.cellServerProcessIDs.isEmpty)
    }

    @Test func cellsThatRunAtTheSameTimeAreForkedByHostsOfTheirOwn() throws {
        let executor = executor(BuiltExecutables.fixtures)
        defer { executor.stopCellServer() }
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            _ = executor.execute(demo: "sleeper", arguments: ["1"], timeout: .seconds(20))
            finished.signal()
        }
        usleep(300_000)
        let second = executor.execute(demo: "hello-lines", arguments: ["1"], timeout: .seconds(20))
        finished.wait()
        #expect(second.termination == .exited(0))
        #expect(executor.cellServerProcessIDs.count == 2, "the second cell did not wait for the first's host")
        #expect(executor.execute(demo: "hello-lines", arguments: ["1"], timeout: .seconds(20)).termination == .exited(0))
        #expect(executor.cellServerProcessIDs.count == 2, "an idle host is used again")
    }

    @Test func aRequestRoundTripsAndAnythingElseIsRefused() {
        let request = CellServerProtocol.Request(
            demo: "pi", arguments: ["--samples", "", "ünï code"], environment: ["A": "1", "B": "x=y"])
        let payload = request.encoded()
        #expect(CellServerProtocol.Request(decoding: payload) == request)
        #expect(CellServerProtocol.Request(decoding: Array(payload.dropLast())) == nil)
        #expect(CellServerProtocol.Request(decoding: payload + [0]) == nil)
        #expect(CellServerProtocol.Request(decoding: [0xFF, 0xFF, 0xFF, 0x7F]) == nil)
        var invalid = CellServerProtocol.Request(demo: "x", arguments: [], environment: ["=A": "1"]).encoded()
        #expect(CellServerProtocol.Request(decoding: invalid) == nil, "a variable needs a name")
        invalid = CellServerProtocol.Request(demo: "x", arguments: [], environment: [:]).encoded()
        invalid[4] = 0xC3
        #expect(CellServerProtocol.Request(decoding: invalid) == nil, "not UTF-8")
    }

    /// The host reads requests only from its runner, but a broken one must not crash it: random and mutated
    /// payloads decode to nil or to a request that encodes back to the same bytes.
    @Test func randomAndMutatedPayloadsNeverCrashTheDecoder() {
        var generator = SystemRandomNumberGenerator()
        let seed = CellServerProtocol.Request(
            demo: "pi", arguments: ["--samples", "100"], environment: ["LESSONRUNNER_GRACE_MS": "500"]).encoded()
        for round in 0..<5_000 {
            var payload: [UInt8]
            if round % 2 == 0 {
                payload = (0..<Int.random(in: 0..<64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            } else {
                payload = seed
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    payload[Int.random(in: 0..<payload.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            }
            if let request = CellServerProtocol.Request(decoding: payload) {
                #expect(CellServerProtocol.Request(decoding: request.encoded()) == request)
            }
        }
    }
}

extension Array {
    /// The one element, or nil when there are none or several.
    var only: Element? { count == 1 ? first : nil }
}
