import ArgumentParser
import DemoHosting
import Multiprocessing

/// The exercise, solved: two processes hit a ball (a counter) back and forth over a pipe, and the first one
/// times the rally.
enum PingPong {
    struct Options: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ping-pong")

        @Option(help: "Round trips to make.")
        var roundTrips = 100

        func validate() throws {
            guard roundTrips > 0 else { throw ValidationError("--round-trips must be at least 1") }
        }
    }

    // ANCHOR: shown
    struct Rally: Codable, Sendable {
        var connection: Connection
        var roundTrips: Int
    }

    /// Serves the ball, and times its coming back `roundTrips` times.
    static let ping = ProcessFunction("ping") { (rally: Rally) in
        let clock = ContinuousClock()
        let start = clock.now
        var ball = 0
        for _ in 0..<rally.roundTrips {
            try rally.connection.send(ball + 1)
            ball = try rally.connection.recv(Int.self)
        }
        let elapsed = clock.now - start
        print("the ball was hit \(ball) times in \(rally.roundTrips) round trips")
        print("\(microseconds(elapsed / rally.roundTrips)) µs per round trip")
    }

    /// Hits the ball back each time it comes.
    static let pong = ProcessFunction("pong") { (rally: Rally) in
        for _ in 0..<rally.roundTrips {
            let ball = try rally.connection.recv(Int.self)
            try rally.connection.send(ball + 1)
        }
    }

    static func main(roundTrips: Int) throws {
        let (left, right) = try Pipe()
        let players = [
            Process(target: ping, arguments: Rally(connection: left, roundTrips: roundTrips)),
            Process(target: pong, arguments: Rally(connection: right, roundTrips: roundTrips)),
        ]
        for player in players { try player.start() }
        for player in players { try player.join() }
    }
    // ANCHOR_END: shown
}

extension Demo {
    public static let pingPong = Demo(
        "ping-pong", summary: "two processes pass a message back and forth: --round-trips N",
        functions: [PingPong.ping.registration, PingPong.pong.registration]
    ) { (options: PingPong.Options) in
        try PingPong.main(roundTrips: options.roundTrips)
    }
}
