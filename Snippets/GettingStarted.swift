// A child process that squares a number: a registered function, the bootstrap, then a process.
import Multiprocessing

let square = ProcessFunction("square") { (number: Int) in number * number }
bootstrap([square.registration])          // first: in a child, runs `square` and exits

let process = Process(target: square, arguments: 7)
try process.start()
print(try process.value(as: Int.self))    // 49, computed in Process-1
