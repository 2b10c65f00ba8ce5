import ArgumentParser
import LessonRunner

/// The paths of lessons to work on, shared by the subcommands.
struct LessonPathOptions: ParsableArguments {
    @Argument(help: "Lesson files, or folders to search for .md lessons.")
    var paths: [String]

    @OptionGroup var host: DemoHostOptions

    /// Finds and parses every lesson; prints every lesson error and exits with 2 when there is any.
    func loadLessons() throws -> [(file: LessonFile, lesson: Lesson)] {
        try Self.load(paths, host: host)
    }

    /// A runner for the lessons' cells, in the demo host.
    func execution() throws -> LessonExecution {
        LessonExecution(executor: try host.host().executor())
    }

    /// Finds and parses the lessons under `paths` against the demos of `host`; prints every lesson error and exits
    /// with 2 when there is any.
    static func load(_ paths: [String], host: DemoHostOptions) throws -> [(file: LessonFile, lesson: Lesson)] {
        let catalog: DemoCatalog
        do {
            catalog = try host.host().catalog()
        } catch let error as DemoHostError {
            Terminal.standardError.write("lesson: error: \(error)\n")
            throw ExitCode.usageOrLessonError
        }
        let parser = LessonParser(demos: catalog)
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
