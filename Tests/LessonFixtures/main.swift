// A `lesson` executable built the way another package would build its own: the built-in demos plus demos that
// misbehave on purpose, for the tests of execution and of the command line.
import Demos
import LessonCommandLine
import LessonRunner
import Multiprocessing
#if canImport(Glibc)
import Glibc
#endif

/// Writes bytes to a descriptor, retrying short writes.
func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if written <= 0 { return }
        offset += written
    }
}

/// A registered function the `process-square` demo runs in a child `Process`: the `lesson` executable itself,
/// re-run by the spawn start method.
let square = ProcessFunction("fixtures.square") { (number: Int) -> Int in
    print("squaring \(number) in \(currentProcess().name)")
    return number * number
}

/// A pool task that never ends on its own: the `pool-wait` demo keeps its workers busy until the cell is ended.
let waitForever = ProcessFunction("fixtures.wait-forever") { (seconds: Int) -> Int in
    sleep(UInt32(seconds))
    return seconds
}

let faultDemos = DemoRegistry([
    Demo("process-square", summary: "squares a number in a child Process", functions: [square.registration]) {
        arguments in
        let number = Int(arguments.first ?? "7") ?? 7
        let process = Process(target: square, arguments: number, name: "squarer")
        try process.start()
        print("\(number)² = \(try process.value(as: Int.self))")
        return process.exitCode ?? -1
    },
    Demo("echo-args", summary: "prints each argument on its own line") { arguments in
        for argument in arguments { print("[\(argument)]") }
        return 0
    },
    Demo("interleave", summary: "alternates lines on stdout and stderr") { _ in
        // Two pipes have no order of their own: a reader's `poll` may look at stdout just before a line arrives
        // and at stderr just after the next one. A pause between writes is what gives them an order to keep.
        for number in 1...3 {
            writeAll(1, Array("out \(number)\n".utf8))
            usleep(10_000)
            writeAll(2, Array("err \(number)\n".utf8))
            usleep(10_000)
        }
        return 0
    },
    Demo("invalid-utf8", summary: "prints bytes that are not UTF-8") { _ in
        writeAll(1, [0x6F, 0x6B, 0x20, 0xFF, 0xFE, 0x20, 0xC3, 0x0A])
        return 0
    },
    Demo("flood", summary: "prints MEGABYTES MiB (default 8) of text") { arguments in
        let megabytes = arguments.first.flatMap { Int($0) } ?? 8
        let line = Array(String(repeating: "x", count: 1023).utf8) + [0x0A]
        let block = Array([[UInt8]](repeating: line, count: 64).joined())
        for _ in 0..<(megabytes * 16) { writeAll(1, block) }
        return 0
    },
    Demo("close-stdout", summary: "closes stdout early and keeps going on stderr") { _ in
        print("before closing")
        StandardStreams.flush()
        close(1)
        usleep(20_000)
        writeAll(2, Array("still running after closing stdout\n".utf8))
        return 0
    },
    Demo(
        "grandchild",
        summary: "starts a grandchild that ignores SIGTERM and prints its pid; --setsid, --double-fork, --exit"
    ) { arguments in
        guard let grandchild = SigtermIgnoringProcess.start(
            newSession: arguments.contains("--setsid"), doubleFork: arguments.contains("--double-fork"))
        else {
            return 1
        }
        print("grandchild \(grandchild)")
        StandardStreams.flush()
        if arguments.contains("--exit") { return 0 }
        sleep(60)
        return 0
    },
    Demo("tick", summary: "prints `tick N` COUNT times (default 3), 300 ms apart") { arguments in
        let count = arguments.first.flatMap { Int($0) } ?? 3
        for index in 1...max(1, count) {
            if index > 1 { usleep(300_000) }
            print("tick \(index)")
        }
        return 0
    },
    Demo("pool-wait", summary: "a Pool of 2 workers busy for 60 s", functions: [waitForever.registration]) { _ in
        try withPool(processes: 2) { pool in
            let pending = try pool.mapAsync(waitForever, [60, 60])
            print("pool started")
            StandardStreams.flush()
            _ = try pending.get()
        }
        return 0
    },
    Demo("whoami", summary: "prints its process id, how many processes its /proc shows, and its user") { _ in
        var count = 0
        if let folder = opendir("/proc") {
            while let entry = readdir(folder) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                    String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
                }
                if Int32(name) != nil { count += 1 }
            }
            closedir(folder)
        }
        print("pid \(getpid())")
        print("processes \(count)")
        print("user \(getuid()) group \(getgid())")
        return 0
    },
    Demo("mounts", summary: "prints its working directory and how many /proc mounts its mount namespace holds") { _ in
        var directory = [CChar](repeating: 0, count: 4096)
        let path = getcwd(&directory, directory.count).map { String(cString: $0) } ?? "?"
        var procMounts = 0
        if let file = fopen("/proc/self/mountinfo", "r") {
            var line = [CChar](repeating: 0, count: 4096)
            while fgets(&line, Int32(line.count), file) != nil {
                // The fifth field is the mount point.
                let fields = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    .split(separator: " ")
                if fields.count > 4 && fields[4] == "/proc" { procMounts += 1 }
            }
            fclose(file)
        }
        print("directory \(path)")
        print("proc mounts \(procMounts)")
        return 0
    },
    Demo("mount-tmpfs", summary: "mounts a tmpfs at PATH and says whether it could") { arguments in
        let path = arguments.first ?? "/nonexistent"
        print(mount("lesson-cell", path, "tmpfs", 0, nil) == 0 ? "mounted \(path)" : "cannot mount: errno \(errno)")
        return 0
    },
    Demo("exit-with", summary: "exits with the code it is given") { arguments in
        Int32(arguments.first ?? "0") ?? 0
    },
    Demo("throws", summary: "throws an error") { _ in
        struct DemoFailure: Error, CustomStringConvertible { var description: String { "the demo gave up" } }
        throw DemoFailure()
    },
    Demo("touch-file", summary: "appends a line to the file PATH, as an editor saving a lesson would") { arguments in
        let descriptor = open(arguments.first ?? "", O_WRONLY | O_APPEND)
        guard descriptor >= 0 else { return 1 }
        writeAll(descriptor, Array("\nEdited while the cells ran.\n".utf8))
        close(descriptor)
        print("touched")
        return 0
    },
    Demo("markup", summary: "prints text that looks like HTML and Markdown") { _ in
        print("<script>alert('x')</script>")
        print("```")
        print("\u{1B}[31mred\u{1B}[0m and a\ttab")
        return 0
    },
])

// The built-in demos without their embedded sources, as a package that does not embed them would have: the
// fixture lessons show short illustrations in their cells rather than the demos' code. The `lesson` executable's
// own tests check cells against the sources.
LessonTool.main(demos: DemoRegistry(DemoRegistry.builtIn.demos).merging(faultDemos))
