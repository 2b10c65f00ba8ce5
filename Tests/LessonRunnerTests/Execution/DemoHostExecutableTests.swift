import LessonRunner
import LessonTestSupport
import SystemPackage
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The tool's side of a demo host: asking it for its catalog, the errors of everything that is not one, and a host
/// rebuilt under a living `lesson`.
@Suite("demo host executable")
struct DemoHostExecutableTests {
    /// Writes an executable shell script into `folder`.
    func script(_ name: String, in folder: TemporaryFolder, _ body: String) throws -> FilePath {
        let path = folder.path.appending(name)
        try write(Array("#!/bin/sh\n\(body)\n".utf8), to: path, mode: FilePermissions(rawValue: 0o755))
        return path
    }

    func write(_ bytes: [UInt8], to path: FilePath, mode: FilePermissions) throws {
        let descriptor = try FileDescriptor.open(
            path, .writeOnly, options: [.create, .truncate, .closeOnExec], permissions: mode)
        try descriptor.closeAfter { _ = try descriptor.writeAll(bytes) }
    }

    func copy(_ source: FilePath, to destination: FilePath) throws {
        try write(try TemporaryFile.read(source.string), to: destination, mode: FilePermissions(rawValue: 0o755))
    }

    func queryError(_ path: FilePath, timeout: Duration = .seconds(10)) -> DemoHostError? {
        do {
            _ = try DemoHostExecutable.query(path, timeout: timeout)
            return nil
        } catch {
            return error
        }
    }

    @Test func theCourseHostAnswersWithItsDemosTheirParametersSourcesAndBuildID() throws {
        let catalog = try DemoHostExecutable.query(BuiltExecutables.demoHost)
        let pi = try #require(catalog["pi"])
        #expect(pi.summary.contains("Monte Carlo"))
        #expect(pi.usage?.contains("--samples <samples>") == true)
        #expect(catalog["hello-lines"]?.usage == nil, "a demo without options has no usage")
        #expect(catalog.demos.map(\.name) == catalog.demos.map(\.name).sorted())
        let source = try #require(try catalog.source(of: pi))
        #expect(source.file.path == "Sources/Demos/PiDemo.swift")
        #expect(source.code.contains("withPool(processes: processes)"))
        #expect(catalog.fingerprint.count == 40 && catalog.fingerprint.allSatisfy(\.isHexDigit),
                "the linker's SHA-1 build ID: \(catalog.fingerprint)")
    }

    @Test func aMissingHostIsAnErrorThatNamesThePath() {
        let error = queryError("/nonexistent/lesson-demos")
        #expect(error?.code == .missing)
        #expect(error?.description.hasPrefix("demo host '/nonexistent/lesson-demos' does not exist") == true)
    }

    @Test func aFolderOrAFileWithoutExecutePermissionIsNotExecutable() throws {
        let folder = try TemporaryFolder()
        #expect(queryError(folder.path)?.code == .notExecutable)
        let plain = folder.path.appending("plain")
        try write(Array("#!/bin/sh\n".utf8), to: plain, mode: FilePermissions(rawValue: 0o644))
        let error = queryError(plain)
        #expect(error?.code == .notExecutable)
        #expect(error?.description.contains("'\(plain)' is not an executable file") == true)
    }

    @Test func anExecutableThatIsNotAHostSaysHowItEnded() throws {
        let folder = try TemporaryFolder()
        let trueError = queryError("/bin/true")
        #expect(trueError?.code == .notAHost)
        #expect(trueError?.description.contains("'/bin/true' is not a demo host: asked for its catalog, it exited "
            + "with 0 and printed no catalog") == true)
        let talker = try script("talker", in: folder, "echo 'some output'; echo 'cannot start' >&2; exit 3")
        let error = queryError(talker)
        #expect(error?.code == .notAHost)
        #expect(error?.description.contains("exited with 3 and printed no catalog after printing 'cannot start'")
            == true)
        let crasher = try script("crasher", in: folder, "kill -SEGV $$")
        #expect(queryError(crasher)?.description.contains("was killed by SIGSEGV") == true)
    }

    @Test func aHostThatNeverAnswersTimesOutAndIsEnded() throws {
        let folder = try TemporaryFolder()
        let pidFile = folder.path.appending("pid")
        let sleeper = try script("sleeper", in: folder, "echo $$ > '\(pidFile)'; exec sleep 30")
        let clock = ContinuousClock()
        let start = clock.now
        let error = queryError(sleeper, timeout: .milliseconds(300))
        #expect(clock.now - start < .seconds(5))
        #expect(error?.code == .timedOut)
        #expect(error?.description.contains("did not answer within 300 ms") == true)
        let pid = try #require(Int32(try TemporaryFile.read(pidFile.string).split(separator: 10).first.map {
            String(decoding: $0, as: UTF8.self) } ?? ""))
        #expect(ProcessCensus.waitUntilGone([pid]).isEmpty, "the host's process is ended")
    }

    @Test func aHostOfAnotherProtocolVersionSaysSo() throws {
        let folder = try TemporaryFolder()
        // The magic, version 2, an empty payload.
        let other = try script("other", in: folder, #"printf 'LRDEMOS\n\002\000\000\000\000\000\000\000\000\000\000\000'"#)
        let error = queryError(other)
        #expect(error?.code == .protocolVersion(2))
        #expect(error?.description.contains("speaks protocol version 2 and this lesson speaks 1") == true)
        let truncated = try script("truncated", in: folder, #"printf 'LRDEMOS\n\001\000\000\000\005\000\000\000\000\000\000\000abc'"#)
        #expect(queryError(truncated)?.code == .malformed)
        let garbage = try script("garbage", in: folder, #"printf 'LRDEMOS\n\001\000\000\000\003\000\000\000\000\000\000\000abc'"#)
        #expect(queryError(garbage)?.description.contains("its catalog does not decode") == true)
    }

    @Test func aHostRebuiltWhileTheToolLivesIsUsedByTheNextCell() throws {
        let folder = try TemporaryFolder()
        let path = folder.path.appending("host")
        try copy(BuiltExecutables.demoHost, to: path)
        let host = DemoHostExecutable(path: path)
        let first = try host.current()
        #expect(!first.changed)
        #expect(!first.catalog.contains("process-square"))
        #expect(try host.current().changed == false, "an unchanged file is not asked again")

        // A rebuild: a new file renamed over the old one, as linkers write their output.
        let rebuilt = folder.path.appending("host.new")
        try copy(BuiltExecutables.fixtures, to: rebuilt)
        #expect(rename(rebuilt.string, path.string) == 0)
        let second = try host.current()
        #expect(second.changed)
        #expect(second.catalog.contains("process-square"))
        let execution = host.executor().execute(demo: "process-square", arguments: ["6"], timeout: .seconds(30))
        #expect(execution.termination == .exited(0))
        #expect(execution.output.stdout.text.contains("6² = 36"), "the new executable ran")
        host.executor().stopCellServer()
    }

    @Test func aReplyRoundTripsAndAnythingElseIsRefused() throws {
        let catalog = DemoCatalog(
            demos: [.init(name: "b", summary: "second", fileID: "M/B.swift", usage: "USAGE: b"),
                    .init(name: "a", summary: "first", fileID: "M/A.swift")],
            sources: DemoSourceFiles([DemoSourceFile(fileID: "M/A.swift", path: "Sources/M/A.swift", text: "x\n")]),
            fingerprint: "abcd")
        let reply = try DemoHostReply.encode(catalog)
        #expect(try DemoHostReply.decode(reply) == catalog)
        #expect(catalog.demos.map(\.name) == ["a", "b"])
        #expect(throws: DemoHostReply.Failure.notAHost) { try DemoHostReply.decode(Array("hello".utf8)) }
        #expect(throws: DemoHostReply.Failure.self) { try DemoHostReply.decode(Array(reply.dropLast())) }
        #expect(throws: DemoHostReply.Failure.self) { try DemoHostReply.decode(Array(reply.prefix(10))) }
    }
}
