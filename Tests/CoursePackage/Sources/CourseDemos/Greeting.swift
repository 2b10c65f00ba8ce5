import ArgumentParser
import DemoHosting

extension Demo {
    struct GreetingOptions: ParsableArguments {
        @Option(help: "Who to greet.")
        var name = "world"

        @Option(help: "How many times.")
        var times = 1
    }

    static let greeting = Demo("greeting", summary: "greets someone: --name NAME --times N") {
        (options: GreetingOptions) in
        // ANCHOR: shown
        for _ in 0..<options.times {
            print("Hello, \(options.name)!")
        }
        // ANCHOR_END: shown
    }
}
