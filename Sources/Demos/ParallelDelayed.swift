import DemoHosting
import Multiprocessing

/// joblib's `Parallel(n_jobs=2)(delayed(square)(i) for i in range(10))`.
enum ParallelDelayed {
    // ANCHOR: shown
    static let square = ProcessFunction("square") { (number: Int) in number * number }

    static func main() throws {
        let parallel = try Parallel(jobs: 2)
        defer { parallel.shutdown() }
        print(try parallel((0..<10).map { square.delayed($0) }))
    }
    // ANCHOR_END: shown
}

extension Demo {
    public static let parallelDelayed = Demo(
        "parallel-delayed", summary: "Parallel(jobs: 2) of delayed squares of 0..<10",
        functions: [ParallelDelayed.square.registration],
        main: ParallelDelayed.main
    )
}
