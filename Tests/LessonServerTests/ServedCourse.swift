import Foundation
import LessonRunner
import LessonServer
import LessonTestSupport
import Multiprocessing
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// A lesson folder for the server tests, in a temporary folder, with cells of the `lesson-fixtures` demos.
final class CourseFolder {
    let folder: TemporaryFolder
    var path: FilePath { folder.path }

    static let live = """
        # Live

        Three ticks, 300 ms apart:

        ```swift demo=tick args="3"
        ```

        ```output
        tick 1
        tick 2
        tick 3
        ```

        A grandchild that ignores SIGTERM:

        ```swift demo=grandchild id=stubborn timeout=60s
        ```

        A flood:

        ```swift demo=flood args="4"
        ```

        Markup:

        ```swift demo=markup
        ```

        Arguments:

        ```swift demo=echo-args args="'two words' x"
        ```

        """

    init(lessons: [String: String] = ["live.md": CourseFolder.live]) throws {
        folder = try TemporaryFolder()
        for (name, text) in lessons { try write(name, text) }
    }

    /// Writes a lesson as editors save: a temporary file renamed over the lesson.
    func write(_ name: String, _ text: String) throws {
        let temporary = path.appending("." + name + ".swp")
        let descriptor = try FileDescriptor.open(
            temporary, .writeOnly, options: [.create, .truncate, .closeOnExec],
            permissions: FilePermissions(rawValue: 0o644))
        try descriptor.closeAfter { _ = try descriptor.writeAll(Array(text.utf8)) }
        guard rename(temporary.string, path.appending(name).string) == 0 else { throw Errno(rawValue: errno) }
    }
}

/// `lesson serve` run as a user runs it: the built executable, in a child process, on a port the system chooses,
/// with `lesson-fixtures` as its demo host. Ended with SIGINT (Control-C) and waited for.
final class ServeProcess {
    let child: ChildProcess
    let port: Int
    let token: String
    /// The ``ProcessCensus/tagVariable`` of the server and everything it starts.
    let tag = ProcessCensus.newTag()
    private let output: FileDescriptor
    /// Whether `output` was closed: a descriptor is closed exactly once, or the second close could take another
    /// test's descriptor of the same number.
    private var outputClosed = false
    private(set) var printed = ""

    init(
        paths: [String], extra: [String] = [], host: FilePath = BuiltExecutables.fixtures, in directory: FilePath? = nil
    ) throws {
        var configuration = SpawnConfiguration(
            executable: BuiltExecutables.lesson,
            arguments: ["serve", "--port", "0", "--demos", host.string] + extra + paths)
        configuration.standardOutput = .pipe
        configuration.standardError = .inherit
        configuration.workingDirectory = directory
        configuration.processGroup = .newGroup
        configuration.environment[ProcessCensus.tagVariable] = tag
        child = try ChildProcess.spawn(configuration)
        let output = child.takeStandardOutput()!
        self.output = output
        var found: (Int, String)?
        var text = ""
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(30)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while found == nil && clock.now < deadline {
            var entry = pollfd(fd: output.rawValue, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 200) > 0 else { continue }
            let count = try buffer.withUnsafeMutableBytes { try output.read(into: $0) }
            if count == 0 { break }
            text += String(decoding: buffer[..<count], as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("lesson serve: http://") }),
                let url = URLComponents(string: String(line.dropFirst("lesson serve: ".count))),
                let port = url.port, let token = url.queryItems?.first(where: { $0.name == "token" })?.value
            {
                found = (port, token)
            }
        }
        guard let found else {
            kill(child.id.rawValue, SIGKILL)
            _ = try? child.wait()
            throw HTTPTestClient.Failure(description: "lesson serve printed no address: \(text)")
        }
        (port, token) = found
        printed = text
    }

    /// A client that carries the token's cookie.
    var client: HTTPTestClient { HTTPTestClient(port: port, cookie: token) }

    /// Reads what the server printed since the last call.
    func readPrinted(timeout: Duration = .milliseconds(200)) -> String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var entry = pollfd(fd: output.rawValue, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        while poll(&entry, 1, milliseconds) > 0 {
            guard let count = try? buffer.withUnsafeMutableBytes({ try output.read(into: $0) }), count > 0 else { break }
            printed += String(decoding: buffer[..<count], as: UTF8.self)
        }
        return printed
    }

    /// Sends SIGINT and waits for the server to exit.
    func interrupt() throws -> TerminationStatus {
        kill(child.id.rawValue, SIGINT)
        let status = try child.wait()
        closeOutput()
        return status
    }

    deinit {
        // A test that failed before interrupting: end the server (its process is ours until it is waited for,
        // so its id cannot belong to anybody else yet).
        if (try? child.poll()) == nil {
            kill(child.id.rawValue, SIGKILL)
            _ = try? child.wait()
        }
        closeOutput()
    }

    private func closeOutput() {
        guard !outputClosed else { return }
        outputClosed = true
        try? output.close()
    }
}
