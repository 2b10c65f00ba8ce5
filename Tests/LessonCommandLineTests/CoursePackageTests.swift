import LessonTestSupport
import SystemPackage
import Testing

/// A course package of its own (`Tests/CoursePackage`): its demos, its demo host built with `DemoHost.main(demos:)`
/// and the EmbedDemoSources plugin, its lessons, run by this package's `lesson --demos`. `scripts/test` builds its
/// host before the tests.
@Suite("a course package with its own demo host")
struct CoursePackageTests {
    static let package = BuiltExecutables.packageRoot.appending("Tests/CoursePackage")
    static let host = package.appending(".build/debug/course-demos")

    func lesson(_ arguments: [String]) throws -> CommandRun {
        // `--demos` right after the subcommand: what follows `--` goes to the demo.
        let withHost = arguments.prefix(1) + ["--demos", Self.host.string] + arguments.dropFirst()
        return try CommandRun.run(BuiltExecutables.lesson, Array(withHost), in: Self.package)
    }

    @Test func itsLessonsPassCheck() throws {
        let run = try lesson(["check", "Lessons"])
        #expect(run.exitCode == 0, "\(run.standardOutput)\(run.standardError)")
        #expect(run.standardOutput.contains("2 cells in 1 lesson: 2 passed"))
    }

    @Test func itsDemosTakeParametersFromTheCommandLine() throws {
        let run = try lesson(["run", "Lessons/greeting.md", "--cell", "greeting", "--", "--name", "Grace"])
        #expect(run.standardOutput.contains("Hello, Grace!\n"))
        let wrong = try lesson(["run", "Lessons/greeting.md", "--cell", "greeting", "--", "--times", "x"])
        #expect(wrong.exitCode == 1)
        #expect(wrong.standardError.contains("error: The value 'x' is invalid for '--times <times>'"))
    }

    @Test func aCellWhoseCodeIsNotItsDemosSourceIsALessonError() throws {
        let run = try lesson(["check", "BrokenLessons"])
        #expect(run.exitCode == 2)
        #expect(run.standardError.contains("BrokenLessons/other-code.md:4:1: error: this cell's code differs from "
            + "the source of demo `greeting` (Sources/CourseDemos/Greeting.swift:16)"))
    }

    @Test func theRenderedReportShowsTheDemosOwnSource() throws {
        let output = try TemporaryFolder()
        let run = try lesson(["render", "Lessons", "--format", "markdown", "-o", output.path.string])
        #expect(run.exitCode == 0, "\(run.standardError)")
        let report = String(decoding: try TemporaryFile.read(output.path.appending("greeting.md").string), as: UTF8.self)
        #expect(report.contains("for _ in 0..<options.times {\n    print(\"Hello, \\(options.name)!\")\n}\n"))
    }
}
