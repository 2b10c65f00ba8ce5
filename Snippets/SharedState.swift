// Python's `Value` and `Array`: a child negates the numbers and sets the total, under their locks.
import Multiprocessing

// snippet.hide
struct Negate: Codable, Sendable {
    var numbers: SharedArray<Int32>
    var total: SharedValue<Double>
}

let negate = ProcessFunction("negate") { (arguments: Negate) in
    try arguments.numbers.withLock { numbers in
        for index in numbers.indices { numbers[index] = -numbers[index] }
    }
    arguments.total.value = 3.25
}
bootstrap([negate.registration])

// snippet.show
let numbers = try SharedArray<Int32>(0..<10)        // Python: Array('i', range(10))
let total = try SharedValue<Double>(0)              // Python: Value('d', 0.0)
let child = Process(target: negate, arguments: Negate(numbers: numbers, total: total))
try child.start(); try child.join()                 // the child: numbers.withLock { … }; total.value = 3.25
print(numbers.copy(), total.value)                  // [0, -1, …, -9] 3.25
