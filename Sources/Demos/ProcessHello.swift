import DemoHosting
import Multiprocessing

/// One `Process` that greets Bob.
enum ProcessHello {
    // ANCHOR: shown
    static let greet = ProcessFunction("greet") { (name: String) in
        print("hello \(name)")
    }

    static func main() throws {
        let process = Process(target: greet, arguments: "bob")
        try process.start()    // a new process runs greet("bob")
        try process.join()     // wait until it has finished
    }
    // ANCHOR_END: shown
}

extension Demo {
    public static let processHello = Demo(
        "process-hello", summary: "a child process that prints hello bob", functions: [ProcessHello.greet.registration],
        main: ProcessHello.main
    )
}
