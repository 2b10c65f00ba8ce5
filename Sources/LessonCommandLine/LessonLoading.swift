import ArgumentParser
import LessonRunner

/// The paths of lessons to work on, shared by the subcommands.
struct LessonPathOptions: ParsableArguments {
    @Argument(help: "Lesson files, or folders to search for .md lessons.")
    var paths: [String]

    /// Finds and parses every lesson; prints every lesson error and exits with 2 when there is any.
    func loadLessons() throws -> [(file: LessonFile, lesson: Lesson)] {
        try Self.load(paths)
    }

    /// Finds and parses the lessons under `paths`; prints every lesson error and exits with 2 when there is any.
    static func load(_ paths: [String]) throws -> [(file: LessonFile, lesson: Lesson)] {
        let parser = LessonParser(demos: ToolContext.registry)
        var loaded: [(LessonFile, Lesson)] = []
        var diagnostics: [LessonDiagnostic] = []
        do {
            for file in try LessonFiles.collect(paths) {
                do {
                    loaded.append((file, try parser.load(path: file.path)))
                } catch {
                    diagnostics += error.diagnostics
                }
            }
        } catch {
            diagnostics += error.diagnostics
        }
        if !diagnostics.isEmpty {
            for diagnostic in diagnostics { Terminal.standardError.write("\(diagnostic)\n") }
            throw ExitCode.usageOrLessonError
        }
        if loaded.isEmpty {
            Terminal.standardError.write("lesson: no lessons (.md files) under \(paths.joined(separator: ", "))\n")
            throw ExitCode.usageOrLessonError
        }
        return loaded
    }
}
