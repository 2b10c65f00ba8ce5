import ArgumentParser
import LessonRunner
import SystemPackage

extension LessonCommand {
    /// `lesson init PATH [--name NAME] [--lesson-runner PATH|URL@VERSION] [--force]`: a new course package.
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a course package: a demo, its demo host, a first lesson, a README and a CI script.",
            discussion: """
                Writes a Swift package into PATH (created if missing): Package.swift, a demos module with one \
                demo (Sources/NAMEDemos), the demo host that runs the cells (Sources/NAME-demos), \
                Lessons/01-first-lesson.md, README.md, .gitignore and ci/check. The package depends on this \
                LessonRunner checkout unless --lesson-runner names another checkout, or a Git URL and a version.

                The name (default: the folder's name) starts with a letter and holds letters, digits, '-' and \
                '_'. Its words (split at '-', '_' and a capital after a lower-case letter or digit) make the \
                module's name in UpperCamelCase with 'Demos' (intro-course: IntroCourseDemos) and the host's in \
                lower case with '-demos' (intro-course-demos).

                A folder that is not empty (but for .git) is refused unless --force is given; an existing file is \
                never overwritten.
                """)

        @Argument(help: "The course's folder.")
        var path: String

        @Option(help: "The course's name (default: the folder's name).")
        var name: String?

        @Option(
            name: .customLong("lesson-runner"),
            help: ArgumentHelp(
                "The LessonRunner to depend on: a checkout's path, or a Git URL and version (URL@1.2.0); default: "
                    + "the checkout this lesson was built from.",
                valueName: "PATH|URL@VERSION"))
        var lessonRunner: String?

        @Flag(help: "Write into a folder that is not empty, keeping every file already there.")
        var force = false

        func run() throws {
            let folder = FilePath(path)
            do {
                let scaffold = try makeScaffold(folder: folder)
                let results = try scaffold.write(into: folder, force: force)
                for result in results {
                    switch result.outcome {
                    case .written: Terminal.standardOutput.write("created \(result.path)\n")
                    case .kept: Terminal.standardOutput.write("kept \(result.path) (it exists)\n")
                    }
                }
                Terminal.standardOutput.write("\nNext, build the demo host and check the first lesson:\n")
                for command in scaffold.nextCommands(folder: folder) {
                    Terminal.standardOutput.write("  \(command)\n")
                }
            } catch {
                Terminal.standardError.write("lesson: error: \(error)\n")
                throw ExitCode.usageOrLessonError
            }
        }

        private func makeScaffold(folder: FilePath) throws(CourseScaffoldError) -> CourseScaffold {
            let workingDirectory = FilePath.currentDirectory
            let absolute = workingDirectory.pushing(folder).lexicallyNormalized()
            let courseName: CourseName
            if let name {
                courseName = try CourseName(name)
            } else {
                let folderName = absolute.lastComponent?.string ?? ""
                do {
                    courseName = try CourseName(folderName)
                } catch {
                    throw CourseScaffoldError(
                        .invalidName, path: folder,
                        "\(error.message); a course is named after its folder unless --name NAME says otherwise")
                }
            }
            let tool = CellExecutor.currentExecutable
            let dependency: LessonRunnerDependency
            if let lessonRunner {
                dependency = try LessonRunnerDependency(parsing: lessonRunner, relativeTo: workingDirectory)
            } else if let checkout = LessonRunnerCheckout.locate(from: [tool, LessonRunnerCheckout.sourceFile]) {
                dependency = .path(checkout)
            } else {
                throw CourseScaffoldError(
                    .checkoutNotFound,
                    "cannot find the LessonRunner checkout \(tool) was built from; name it with "
                        + "--lesson-runner PATH or --lesson-runner URL@VERSION")
            }
            return CourseScaffold(name: courseName, lessonRunner: dependency, lessonTool: tool)
        }
    }
}
