import DemoHosting
import Multiprocessing

/// The lock demo without the lock: the ten processes' pieces of lines interleave.
enum NoLockDemo {
    // ANCHOR: shown
    static let greet = ProcessFunction("greet-without-lock") { (number: Int) in
        printPiecewise("hello", " world", " \(number)\n")
    }

    static func main() throws {
        let processes = (0..<10).map { number in Process(target: greet, arguments: number) }
        for process in processes { try process.start() }
        for process in processes { try process.join() }
    }
    // ANCHOR_END: shown
}

extension Demo {
    public static let noLock = Demo(
        "no-lock", summary: "ten processes print without a lock", functions: [NoLockDemo.greet.registration],
        main: NoLockDemo.main
    )
}
