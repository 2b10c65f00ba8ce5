import ArgumentParser
import DemoHosting
import Multiprocessing
#if canImport(Glibc)
import Glibc
#endif

/// What starting a process costs with each start method, and why fork is refused once there are threads.
enum StartMethods {
    struct Options: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "start-methods")

        @Option(help: "Processes to start and join with each method.")
        var processes = 5
    }

    // ANCHOR: shown
    static let nothing = ProcessFunction("nothing") { (_: Empty) in }

    static func main(processes: Int) throws {
        for method in [StartMethod.fork, .spawn, .forkserver] {
            let context = getContext(method)
            let clock = ContinuousClock()
            let start = clock.now
            for _ in 0..<processes {
                let process = Process(target: nothing, context: context)
                try process.start()
                try process.join()
            }
            let each = (clock.now - start) / processes
            print("\(method): \(milliseconds(each, decimals: 2)) ms per process")
        }

        // A second thread, as Dispatch or Swift concurrency would start: fork now refuses.
        let thread = try SleepingThread()
        defer { thread.stop() }
        do {
            try Process(target: nothing, context: getContext(.fork)).start()
        } catch {
            print("with a second thread, fork says: \(error)")
        }
    }
    // ANCHOR_END: shown
}

/// A thread that waits until it is stopped: the simplest way to make a process multi-threaded.
final class SleepingThread: @unchecked Sendable {  // the pipe's descriptors are set once, then only read
    private var thread = pthread_t()
    private var wake: [Int32] = [-1, -1]

    init() throws {
        guard pipe(&wake) == 0 else { throw DemoUsageError(message: "cannot make a pipe") }
        let readEnd = wake[0]
        let result = pthread_create(&thread, nil, { argument in
            var byte: UInt8 = 0
            _ = read(Int32(Int(bitPattern: argument)), &byte, 1)
            return nil
        }, UnsafeMutableRawPointer(bitPattern: Int(readEnd)))
        guard result == 0 else { throw DemoUsageError(message: "cannot start a thread") }
    }

    func stop() {
        close(wake[1])
        pthread_join(thread, nil)
        close(wake[0])
    }
}

extension Demo {
    public static let startMethods = Demo(
        "start-methods", summary: "the cost of fork, spawn and forkserver, and fork refused with threads",
        functions: [StartMethods.nothing.registration]
    ) { (options: StartMethods.Options) in
        try StartMethods.main(processes: options.processes)
    }
}
