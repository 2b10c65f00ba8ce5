import LessonTestSupport
import Multiprocessing
import SystemPackage
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Control-C during `lesson run`: the running cell's whole process tree ends, the run stops, the exit code is 130.
@Suite("lesson run interrupted")
struct InterruptTests {
    @Test(arguments: [Signal.interrupt, .terminate])
    func anInterruptEndsTheCellsTreeAndStopsTheRun(signal: Signal) throws {
        var configuration = SpawnConfiguration(
            executable: BuiltExecutables.fixtures, arguments: ["run", "hang.md"])
        configuration.workingDirectory = LessonCommandTests.fixtures
        configuration.standardOutput = .pipe
        configuration.environment["NO_COLOR"] = "1"
        let tag = ProcessCensus.newTag()
        configuration.environment[ProcessCensus.tagVariable] = tag
        defer { ProcessCensus.killTagged(tag) }
        let lesson = try ChildProcess.spawn(configuration)
        let output = try #require(lesson.takeStandardOutput())
        defer { try? output.close() }

        // Wait until the cell has started its grandchild, then interrupt the runner.
        var text = ""
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !text.contains("\ngrandchild ") || !text.hasSuffix("\n") {
            let count = try buffer.withUnsafeMutableBytes { try output.read(into: $0) }
            if count == 0 { break }
            text += String(decoding: buffer[..<count], as: UTF8.self)
        }
        let cellProcesses = ProcessCensus.tagged(tag, excluding: ProcessCensus.runnerAndCellServers(lesson.id.rawValue))
        #expect(cellProcesses.count == 2, "the cell and its grandchild run: \(cellProcesses)")
        try lesson.send(signal)

        while true {
            let count = try buffer.withUnsafeMutableBytes { try output.read(into: $0) }
            if count == 0 { break }
            text += String(decoding: buffer[..<count], as: UTF8.self)
        }
        let status = try lesson.wait()
        #expect(status == .exited(128 + signal.rawValue))
        #expect(text.contains("✗ error: interrupted by \(signal.name); the cell's processes were stopped"))
        #expect(!text.contains("Hello from a child process!"), "the run stops after the interrupted cell")
        let left = ProcessCensus.waitUntilNoneTagged(tag)
        #expect(left.isEmpty, "processes \(left) outlived the run")
    }
}
