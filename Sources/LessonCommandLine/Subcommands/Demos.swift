import ArgumentParser
import LessonRunner

extension LessonCommand {
    /// `lesson demos`: the demos this executable was built with.
    struct Demos: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the demos this lesson executable knows.")

        func run() throws {
            let demos = ToolContext.registry.demos
            let width = demos.map(\.name.count).max() ?? 0
            for demo in demos {
                let padding = String(repeating: " ", count: width - demo.name.count)
                Terminal.standardOutput.write("\(demo.name)\(padding)  \(demo.summary)\n")
            }
        }
    }
}
