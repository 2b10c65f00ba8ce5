import DemoHosting
import Multiprocessing

/// A child sends a list over one end of a `Pipe`; the parent receives it from the other.
enum PipeDemo {
    // ANCHOR: shown
    static let sendList = ProcessFunction("send-list") { (connection: Connection) in
        try connection.send([42, nil, "hello"] as [ManagedValue])
        connection.close()
    }

    static func main() throws {
        let (parentEnd, childEnd) = try Pipe()
        let process = Process(target: sendList, arguments: childEnd)
        try process.start()
        print(try parentEnd.recv([ManagedValue].self))    // prints "[42, None, 'hello']"
        try process.join()
    }
    // ANCHOR_END: shown
}

extension Demo {
    public static let pipe = Demo(
        "pipe", summary: "a child sends [42, nil, \"hello\"] over a Pipe", functions: [PipeDemo.sendList.registration],
        main: PipeDemo.main
    )
}
