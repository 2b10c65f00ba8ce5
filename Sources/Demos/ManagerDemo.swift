import DemoHosting
import Multiprocessing
import MultiprocessingManagers

/// A child fills a dict and reverses a list that a `Manager`'s server process holds.
enum ManagerDemo {
    // ANCHOR: shown
    struct Shared: Codable, Sendable {
        var dict: DictProxy<ManagedValue, ManagedValue>
        var list: ListProxy<Int>
    }

    static let fill = ProcessFunction("fill-managed") { (shared: Shared) in
        try shared.dict.set(1, "1")
        try shared.dict.set("2", 2)
        try shared.dict.set(0.25, nil)
        try shared.list.reverse()
    }

    static func main() throws {
        try withManager { manager in                  // with Manager() as manager:
            let dict = try manager.dict()
            let list = try manager.list(Array(0..<10))
            let process = Process(target: fill, arguments: Shared(dict: dict, list: list))
            try process.start()
            try process.join()
            print(dict)
            print(list)
        }
    }
    // ANCHOR_END: shown
}

extension Demo {
    public static let manager = Demo(
        "manager", summary: "a child fills a dict and reverses a list held by a Manager",
        functions: [Manager.registration, ManagerDemo.fill.registration],
        main: ManagerDemo.main
    )
}
