import DemoHosting
import Multiprocessing

/// Python's first multiprocessing example: `Pool(4).map(f, range(8))`.
enum PoolMap {
    // ANCHOR: shown
    static let f = ProcessFunction("f") { (x: Int) in x * x + 1 }

    static func main() throws {
        try withPool(processes: 4) { pool in       // with Pool(4) as p:
            print(try pool.map(f, 0..<8))          //     print(p.map(f, range(8)))
        }                                          // the four workers end here
    }
    // ANCHOR_END: shown
}

extension Demo {
    public static let poolMap = Demo(
        "pool-map", summary: "Pool(4).map of x*x + 1 over 0..<8", functions: [PoolMap.f.registration],
        main: PoolMap.main
    )
}
