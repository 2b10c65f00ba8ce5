// A pool of workers, as Python's `Pool`, and joblib's `Parallel(n_jobs=2)(delayed(f)(x) for x in …)`.
import Multiprocessing

let f = ProcessFunction("f") { (x: Int) in x * x + 1 }
bootstrap([f.registration])

try withPool(processes: 4) { pool in                       // with Pool(4) as p:
    print(try pool.map(f, 0..<8))                          // [1, 2, 5, 10, 17, 26, 37, 50]
    for result in try pool.imap(f, 0...).prefix(3) { print(try result.get()) }
}                                                          // workers terminated here
print(try Parallel(jobs: 2)((0..<10).map { f.delayed($0) }))
