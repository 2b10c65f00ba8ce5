// The executable the Multiprocessing tests re-run as children: under `swift test` the running executable is the
// test runner, which cannot be re-run as a child.
import Multiprocessing
import MultiprocessingTestFunctions
#if canImport(Glibc)
import Glibc
#endif

bootstrap(TestFunctions.all)

// `multiprocessing-test-worker print-through-child COUNT METHOD`: a parent whose child prints on the parent's own
// stdout and stderr, so a test can capture both without redirecting the test runner's descriptors.
let arguments = CommandLine.arguments
if arguments.count == 4, arguments[1] == "print-through-child", let count = Int(arguments[2]),
   let method = StartMethod(rawValue: arguments[3]) {
    do {
        _ = try TestFunctions.printLines.run(count, context: getContext(method))
        if method == .forkserver { shutdownForkServer() }
    } catch {
        StandardStreams.writeError("print-through-child failed: \(error)\n")
        exit(1)
    }
    exit(0)
}

// `multiprocessing-test-worker hold-shared-memory NAME SIZE`: creates the named block, fills it, prints
// `ready PID` and waits to be killed: a creator that a test kills, here as the first process of a PID namespace.
if arguments.count == 4, arguments[1] == "hold-shared-memory", let size = Int(arguments[3]) {
    do {
        let block = try SharedMemory(name: arguments[2], create: true, size: size)
        SharedMemoryTestFunctions.fill(block)
        print("ready \(getpid())")
        StandardStreams.flush()
        withExtendedLifetime(block) {
            while true { pause() }
        }
    } catch {
        StandardStreams.writeError("hold-shared-memory failed: \(error)\n")
        exit(1)
    }
}

// `multiprocessing-test-worker resources-from-exited-senders METHOD`: two children send fresh resources, one in a
// queue and one on a pipe, and exit; this process then takes them and prints what they hold. A test runs it as the
// first process of a PID namespace of its own.
if arguments.count == 3, arguments[1] == "resources-from-exited-senders",
   let method = StartMethod(rawValue: arguments[2]) {
    do {
        let context = getContext(method)
        let queue = try Queue<Resources>()
        let (here, there) = try Pipe()
        let senders = [
            Process(target: ResourceTestFunctions.sendFreshThroughQueue, arguments: queue, context: context),
            Process(target: ResourceTestFunctions.sendFreshThroughConnection, arguments: there, context: context),
        ]
        for sender in senders { try sender.start() }
        for sender in senders {
            guard try sender.join(timeout: .seconds(20)), sender.exitCode == 0 else { exit(2) }
        }
        for resources in [try queue.get(timeout: .seconds(10)), try here.recv(Resources.self)] {
            print(resources.array[0], try resources.queue.get(timeout: .seconds(5)),
                  try resources.connection.recv(String.self))
        }
        if method == .forkserver { shutdownForkServer() }
    } catch {
        StandardStreams.writeError("resources-from-exited-senders failed: \(error)\n")
        exit(1)
    }
    exit(0)
}

// Reached only when started by hand: there is nothing to do.
print("multiprocessing-test-worker: run by the Multiprocessing tests as a child process")
