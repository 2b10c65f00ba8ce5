import ArgumentParser
import Dispatch
import LessonRunner
import LessonServer
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

extension LessonCommand {
    /// `lesson serve [PATH…]`: the course as live pages in the browser.
    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve lessons as live pages: run cells from the browser and watch their output stream in.",
            discussion: """
                Prints the address to open, with its token, then one line per run. Every page is the HTML report's \
                page with Run and Stop on each cell, an arguments field for demos that take parameters, and Run \
                all. Runs belong to the server: every open page of a lesson shows the same runs. Saving a lesson \
                reloads its pages (a lesson that does not load shows its errors); rebuilding the demo host makes \
                the next run use it and reloads the pages. Control-C ends every running cell's processes and exits \
                with 130.

                The server binds 127.0.0.1 unless --host says otherwise, and answers only requests that carry its \
                token and name it as their Host; a POST must come from its own pages.
                """)

        @Argument(help: "Lesson files, or folders to search for .md lessons.")
        var paths: [String] = ["Lessons"]

        @OptionGroup var host: DemoHostOptions

        @Option(name: .customLong("host"), help: "The address to listen on (other than 127.0.0.1: other machines can connect).")
        var address = "127.0.0.1"

        @Option(help: "The port (0: the system chooses one).")
        var port = 8800

        @Option(name: .shortAndLong, help: "How many cells run at once (default: the number of cores).")
        var jobs: Int?

        @Flag(help: "Open the address in the desktop's browser once the server listens.")
        var open = false

        @Option(help: "Runs that may wait for a job before Run is refused.")
        var queueLimit = 256

        @Option(help: "Pages (event streams) that may be open at once.")
        var pageLimit = 64

        @Option(help: ArgumentHelp("Seconds a connection may stay silent in the middle of a request.", valueName: "seconds"))
        var idleTimeout = 20

        @Option(help: ArgumentHelp("The largest request body accepted, in bytes.", valueName: "bytes"))
        var requestLimit = 64 * 1024

        @Option(help: ArgumentHelp(
            "Seconds between the comments an idle page's event stream is sent, so that a page gone away is noticed.",
            valueName: "seconds"))
        var heartbeat = 5.0

        func validate() throws {
            guard (0...65535).contains(port) else { throw ValidationError("--port takes 0 to 65535, not \(port)") }
            if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
            guard queueLimit >= 1, pageLimit >= 1, idleTimeout >= 1, requestLimit >= 256 else {
                throw ValidationError(
                    "--queue-limit, --page-limit and --idle-timeout take at least 1, --request-limit at least 256")
            }
            guard heartbeat >= 0.01, heartbeat <= 3600 else {
                throw ValidationError("--heartbeat takes 0.01 to 3600 seconds, not \(heartbeat)")
            }
        }

        func run() throws {
            let demoHost = try host.host()
            let token: AccessToken
            do {
                token = try AccessToken()
            } catch {
                Terminal.standardError.write("lesson: error: cannot make a token: \(error)\n")
                throw ExitCode.usageOrLessonError
            }
            var configuration = ServeConfiguration(
                paths: paths, host: address, port: port, jobs: jobs ?? Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))),
                demoHost: demoHost, token: token)
            configuration.queueLimit = queueLimit
            configuration.eventStreamLimit = pageLimit
            configuration.idleTimeout = .seconds(idleTimeout)
            configuration.requestBodyLimit = requestLimit
            configuration.heartbeatInterval = .milliseconds(Int64((heartbeat * 1000).rounded()))
            let server: CourseServer
            do {
                server = try CourseServer(configuration: configuration)
            } catch {
                Terminal.standardError.write("lesson: error: \(error)\n")
                throw ExitCode.usageOrLessonError
            }
            if !["127.0.0.1", "localhost", "::1"].contains(address) {
                Terminal.standardError.write(
                    "lesson: warning: listening on \(address): anyone who can reach this machine and has the "
                        + "address with its token can run the lessons' cells\n")
            }
            InterruptSignal.install()
            let openBrowser = open
            let jobCount = configuration.jobs
            let failure = ServeFailure()
            let done = DispatchSemaphore(value: 0)
            Task {
                do {
                    try await server.run(
                        ready: { url in
                            Terminal.standardOutput.write("lesson serve: \(url)\n")
                            Terminal.standardOutput.write(
                                "Serving \(paths.joined(separator: ", ")) with \(jobCount) job(s); "
                                    + "Control-C stops.\n")
                            if openBrowser { BrowserOpener.open(url) }
                        },
                        until: { await InterruptSignal.arrival() })
                } catch {
                    failure.message = "\(error)"
                }
                done.signal()
            }
            done.wait()
            if let message = failure.message {
                Terminal.standardError.write("lesson: error: \(message)\n")
                throw ExitCode.usageOrLessonError
            }
            try ExitCode.exitIfInterrupted()
        }
    }
}

/// Why the server stopped, written by its task and read once it ended.
private final class ServeFailure: @unchecked Sendable {  // written before the semaphore is signalled, read after
    var message: String?
}

extension InterruptSignal {
    /// Returns once SIGINT or SIGTERM arrives (after ``install()``), or the task is cancelled; waits on a Dispatch
    /// thread, not on one of Swift concurrency's.
    static func arrival() async {
        guard let descriptor = InterruptSignal.descriptor else { return }
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return }
        defer {
            close(ends[0])
            close(ends[1])
        }
        let cancelEnd = ends[1]
        let wakeEnd = ends[0]
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().async {
                    var entries = [
                        pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0),
                        pollfd(fd: wakeEnd, events: Int16(POLLIN), revents: 0),
                    ]
                    while poll(&entries, 2, -1) < 0 && errno == EINTR {}
                    continuation.resume()
                }
            }
        } onCancel: {
            var byte: UInt8 = 1
            _ = write(cancelEnd, &byte, 1)
        }
    }
}
