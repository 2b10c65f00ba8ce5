// The registered functions the Pool and Parallel tests run in workers.
#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing

public enum PoolTestFunctions {
    /// x * x + 1.
    public static let square = ProcessFunction("pool.square") { (number: Int) in number * number + 1 }

    /// Throws for 3, squares the rest.
    public static let failOnThree = ProcessFunction("pool.failOnThree") { (number: Int) -> Int in
        if number == 3 { throw PlannedFailure(description: "three is refused") }
        return number * number
    }

    /// Dies the way `death.kind` says when given `death.item`, squares the rest.
    public static let dieOn = ProcessFunction("pool.dieOn") { (call: Pair<Int, Int>) -> Int in
        let (item, kind) = (call.first, call.second)
        if item == 5 {
            switch kind {
            case 0: raise(SIGKILL)
            case 1: abort()
            default: _exit(7)
            }
        }
        return item * item
    }

    /// The worker's process ID (the argument is ignored).
    public static let workerID = ProcessFunction("pool.workerID") { (_: Int) -> Int32 in getpid() }

    /// Sleeps `milliseconds`, then returns them.
    public static let sleep = ProcessFunction("pool.sleep") { (milliseconds: Int) -> Int in
        usleep(UInt32(milliseconds) * 1000)
        return milliseconds
    }

    nonisolated(unsafe) private static var greeting = "not initialized"

    /// The pool's initializer: remembers `text` in the worker.
    public static let initialize = ProcessFunction("pool.initialize") { (text: String) -> Empty in
        greeting = text
        return Empty()
    }

    /// An initializer that fails.
    public static let failToInitialize = ProcessFunction("pool.failToInitialize") { (_: String) -> Empty in
        throw PlannedFailure(description: "cannot initialize")
    }

    /// What the initializer remembered.
    public static let readGreeting = ProcessFunction("pool.readGreeting") { (_: Int) -> String in greeting }

    /// first * second.
    public static let multiply = ProcessFunction("pool.multiply") { (pair: Pair<Int, Int>) in pair.first * pair.second }

    /// Starts a pool of two workers, sends their process IDs on `report`, and waits until killed.
    public static let poolInChild = ProcessFunction("pool.inChild") { (report: Connection) -> Int in
        let pool = try Pool(processes: 2)
        try report.send(pool.workerIDs.map(\.rawValue))
        while true { pause() }
    }

    public static let all: [RegisteredFunction] = [
        square.registration, failOnThree.registration, dieOn.registration, workerID.registration,
        sleep.registration, initialize.registration, failToInitialize.registration, readGreeting.registration,
        multiply.registration, poolInChild.registration,
    ]
}
