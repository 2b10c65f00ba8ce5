import DemoHosting
import Multiprocessing

enum Cube {
    static let cube = ProcessFunction("course.cube") { (number: Int) in number * number * number }
}

extension Demo {
    static let cube = Demo("cube", summary: "cubes 3 in a child Process", functions: [Cube.cube.registration]) {
        // ANCHOR: shown
        let process = Process(target: Cube.cube, arguments: 3)
        try process.start()
        print("3³ = \(try process.value(as: Int.self)) in \(process.name)")
        // ANCHOR_END: shown
    }
}
