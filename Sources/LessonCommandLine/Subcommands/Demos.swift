import ArgumentParser
import LessonRunner

extension LessonCommand {
    /// `lesson demos`: the demos this executable was built with.
    struct Demos: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the demos of the demo host.",
            discussion: "With --usage, each demo that takes parameters is followed by their help.")

        @OptionGroup var host: DemoHostOptions

        @Flag(help: "Show each demo's parameters.")
        var usage = false

        func run() throws {
            let demos = try host.host().catalog().demos
            let width = demos.map(\.name.count).max() ?? 0
            for demo in demos {
                let padding = String(repeating: " ", count: width - demo.name.count)
                Terminal.standardOutput.write("\(demo.name)\(padding)  \(demo.summary)\n")
                if usage, let text = demo.usage {
                    let indented = text.split(separator: "\n", omittingEmptySubsequences: false)
                        .map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n")
                    Terminal.standardOutput.write(indented + "\n")
                }
            }
        }
    }
}
