import DemoHosting
import Multiprocessing

/// Ten processes print a line each, one at a time under a shared `Lock`.
enum LockDemo {
    // ANCHOR: shown
    struct Greeting: Codable, Sendable {
        var lock: Lock
        var number: Int
    }

    static let greetUnderLock = ProcessFunction("greet-under-lock") { (greeting: Greeting) in
        try greeting.lock.withLock {
            printPiecewise("hello", " world", " \(greeting.number)\n")
        }
    }

    static func main() throws {
        let lock = try Lock()
        let processes = (0..<10).map { number in
            Process(target: greetUnderLock, arguments: Greeting(lock: lock, number: number))
        }
        for process in processes { try process.start() }
        for process in processes { try process.join() }
    }
    // ANCHOR_END: shown
}

extension Demo {
    public static let lock = Demo(
        "lock", summary: "ten processes print under a Lock", functions: [LockDemo.greetUnderLock.registration],
        main: LockDemo.main
    )
}
