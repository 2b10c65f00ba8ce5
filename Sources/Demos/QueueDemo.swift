import DemoHosting
import Multiprocessing

/// A child puts a list on a `Queue`; the parent gets it.
enum QueueDemo {
    // ANCHOR: shown
    static let putList = ProcessFunction("put-list") { (queue: Queue<[ManagedValue]>) in
        try queue.put([42, nil, "hello"])
    }

    static func main() throws {
        let queue = try Queue<[ManagedValue]>()
        let process = Process(target: putList, arguments: queue)
        try process.start()
        print(try queue.get())    // prints "[42, None, 'hello']"
        try process.join()
    }
    // ANCHOR_END: shown
}

extension Demo {
    public static let queue = Demo(
        "queue", summary: "a child puts [42, nil, \"hello\"] on a Queue", functions: [QueueDemo.putList.registration],
        main: QueueDemo.main
    )
}
