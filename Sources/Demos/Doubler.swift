import DemoHosting
import Multiprocessing

/// Five processes and one named `Test` each double a number and say who they are.
enum Doubler {
    // ANCHOR: shown
    static let doubler = ProcessFunction("doubler") { (number: Int) in
        let result = number * 2
        let name = currentProcess().name
        print("\(number) doubled to \(result) by: \(name)")
    }

    static func main() throws {
        var processes: [Process] = []
        for number in [5, 10, 15, 20, 25] {
            let process = Process(target: doubler, arguments: number)
            processes.append(process)
            try process.start()
        }
        let test = Process(target: doubler, arguments: 2, name: "Test")
        try test.start()
        processes.append(test)
        for process in processes { try process.join() }
    }
    // ANCHOR_END: shown
}

extension Demo {
    public static let doubler = Demo(
        "doubler", summary: "five processes and one named Test double numbers",
        functions: [Doubler.doubler.registration],
        main: Doubler.main
    )
}
