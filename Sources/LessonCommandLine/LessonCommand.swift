import ArgumentParser

/// `lesson`: runs the Swift demos of Markdown lessons and writes reports with their output.
struct LessonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson",
        abstract: "Run the Swift demos in Markdown lessons and write reports with their output.",
        discussion: """
            A lesson is a Markdown file; a fenced code block whose info string has demo=NAME is a cell that runs \
            the registered demo NAME in a child process.

            Exit status: 0 when every cell passed, 1 when a cell failed, had an error or timed out, 2 for a usage or \
            lesson error.
            """,
        subcommands: [
            Init.self, List.self, Run.self, Check.self, Accept.self, Render.self, Serve.self, Demos.self,
        ]
    )
}
