// Start methods, contexts, names and the children a process has started.
import Multiprocessing

let waiter = ProcessFunction("waiter") { (stop: Event) -> String in
    _ = stop.wait(timeout: .seconds(10))
    return "\(currentProcess().name), child of \(parentProcess()?.name ?? "nobody")"
}
bootstrap([waiter.registration])

setStartMethod(.forkserver)                     // multiprocessing.set_start_method('forkserver')
let forked = getContext(.fork)                  // multiprocessing.get_context('fork')

let stop = try Event()
let first = Process(target: waiter, arguments: stop, context: forked)
let second = Process(target: waiter, arguments: stop, name: "second", daemon: true)   // forkserver
try first.start()
try second.start()
print(activeChildren().map(\.name))             // ["Process-1", "second"]
stop.set()
print(try first.value(as: String.self))         // Process-1, child of MainProcess
try second.join()
print(first.exitCode ?? -1, second.exitCode ?? -1)   // 0 0

let stubborn = Process(target: waiter, arguments: try Event())
try stubborn.start()
try stubborn.terminate()                        // SIGTERM
try stubborn.join(timeout: .seconds(5))
print(stubborn.exitCode ?? 0)                   // -15
shutdownForkServer()
