import DemoHosting
import Multiprocessing

/// A child writes a `SharedValue` and a `SharedArray` that the parent reads: Python's `Value('d')` and
/// `Array('i', range(10))`.
enum SharedMemoryDemo {
    // ANCHOR: shown
    struct Shared: Codable, Sendable {
        var number: SharedValue<Double>
        var array: SharedArray<Int32>
    }

    static let fill = ProcessFunction("fill-shared-memory") { (shared: Shared) in
        shared.number.value = 3.1415927
        try shared.array.withLock { elements in
            for index in elements.indices { elements[index] = -elements[index] }
        }
    }

    static func main() throws {
        let number = try SharedValue<Double>(0.0)     // Value('d', 0.0)
        let array = try SharedArray<Int32>(0..<10)    // Array('i', range(10))
        let process = Process(target: fill, arguments: Shared(number: number, array: array))
        try process.start()
        try process.join()
        print(number.value)
        print(array.copy())
    }
    // ANCHOR_END: shown
}

extension Demo {
    public static let sharedMemory = Demo(
        "shared-memory", summary: "a child sets a shared Double and negates a shared array",
        functions: [SharedMemoryDemo.fill.registration],
        main: SharedMemoryDemo.main
    )
}
