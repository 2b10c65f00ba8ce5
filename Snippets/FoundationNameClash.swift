// A file that imports Foundation and Multiprocessing: `Process` and `Pipe` name both modules' types.
import Foundation
import Multiprocessing

typealias ChildProcess = Multiprocessing.Process         // or write Multiprocessing.Process each time

let greet = ProcessFunction("greet") { (name: String) in "hello, \(name), from \(currentProcess().name)" }
bootstrap([greet.registration])

let child = ChildProcess(target: greet, arguments: "Foundation")
try child.start()
print(try child.value(as: String.self))

let (parentEnd, childEnd) = try Multiprocessing.Pipe()   // Foundation's Pipe() is a class of its own
try parentEnd.send(Date().timeIntervalSince1970)
print(try childEnd.recv(Double.self) > 0)

let tool = Foundation.Process()                           // Foundation's: runs another program
tool.executableURL = URL(fileURLWithPath: "/bin/true")
try tool.run()
tool.waitUntilExit()
print(tool.terminationStatus)                             // 0
