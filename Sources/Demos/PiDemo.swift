import ArgumentParser
import DemoHosting
import Multiprocessing

/// Monte Carlo π over a pool of processes: each counts the random points of the unit square that fall inside the
/// quarter circle, and the parent adds the counts up.
public enum PiDemo {
    struct Options: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "pi")

        @Option(help: "Random points to draw, over all processes.")
        var samples = 10_000_000

        @Option(help: "Processes to draw them in (default: the number of cores).")
        var processes = cpuCount()

        func validate() throws {
            guard samples > 0, processes > 0 else { throw ValidationError("both counts must be at least 1") }
        }
    }

    // ANCHOR: shown
    struct Share: Codable, Sendable {
        var samples: Int
        var seed: UInt64
    }

    static let countInside = ProcessFunction("count-inside") { (share: Share) in
        PiDemo.countInside(samples: share.samples, seed: share.seed)
    }

    /// How many of `samples` random points of the unit square lie inside the quarter circle.
    public static func countInside(samples: Int, seed: UInt64) -> Int {
        // A fast generator for each process, seeded from the system's: SystemRandomNumberGenerator would
        // cost a system call per number.
        var generator = Xoshiro256StarStar(seed: seed)
        var inside = 0
        for _ in 0..<samples {
            let x = generator.nextUnit()
            let y = generator.nextUnit()
            inside += x * x + y * y <= 1 ? 1 : 0
        }
        return inside
    }

    static func main(samples: Int, processes: Int) throws {
        let clock = ContinuousClock()
        let start = clock.now
        var system = SystemRandomNumberGenerator()
        let shares = (0..<processes).map { index in
            Share(samples: samples / processes + (index < samples % processes ? 1 : 0), seed: system.next())
        }
        let inside = try withPool(processes: processes) { pool in
            try pool.map(countInside, shares, chunksize: 1).reduce(0, +)
        }
        print("processes: \(processes)")
        print("estimate: \(4 * Double(inside) / Double(samples))")
        print("took \(milliseconds(clock.now - start)) ms")
    }
    // ANCHOR_END: shown
}

extension Demo {
    public static let pi = Demo(
        "pi", summary: "Monte Carlo π over a pool: --samples N --processes N",
        functions: [PiDemo.countInside.registration]
    ) { (options: PiDemo.Options) in
        try PiDemo.main(samples: options.samples, processes: options.processes)
    }
}
