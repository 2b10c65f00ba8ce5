import LessonTestSupport
import SystemPackage
import Testing

/// The `lesson` executable on the course: demo parameters, and cells held to their demos' code.
@Suite("lesson on the course")
struct CourseCommandTests {
    func lesson(_ arguments: [String], in folder: FilePath = BuiltExecutables.packageRoot) throws -> CommandRun {
        try CommandRun.run(BuiltExecutables.lesson, arguments, in: folder)
    }

    @Test func argumentsAfterTheTerminatorSetTheDemosParameters() throws {
        let run = try lesson([
            "run", "Lessons/01-multiprocessing.md", "--cell", "pi", "--", "--samples", "4000", "--processes", "1",
        ])
        #expect(run.standardOutput.contains("processes: 1\nestimate: "), "\(run.standardOutput)")

        let rally = try lesson([
            "run", "Lessons/01-multiprocessing.md", "--cell", "ping-pong", "--", "--round-trips", "7",
        ])
        #expect(rally.exitCode == 0)
        #expect(rally.standardOutput.contains("the ball was hit 14 times in 7 round trips\n"))
    }

    @Test func aParameterTheDemoCannotUseIsTheCellsErrorWithTheDemosUsage() throws {
        let run = try lesson(["run", "Lessons/01-multiprocessing.md", "--cell", "pi", "--", "--samples", "many"])
        #expect(run.exitCode == 1)
        #expect(run.standardError.contains("The value 'many' is invalid for '--samples <samples>'"))
        #expect(run.standardError.contains("--processes <processes>"), "the usage lists the demo's options")
        #expect(run.standardOutput.contains("✗ error: exit 1"), "\(run.standardOutput)")
    }

    @Test func aCellWhoseCodeIsNotTheDemosIsALessonError() throws {
        let folder = try TemporaryFolder()
        let lessonPath = folder.path.appending("greeting.md")
        try AtomicTestFile.write("""
            # Greeting

            ```swift demo=process-hello
            static let greet = ProcessFunction("greet") { (name: String) in
                print("hi \\(name)")
            }
            ```

            """, to: lessonPath)
        let run = try lesson(["check", "greeting.md"], in: folder.path)
        #expect(run.exitCode == 2)
        #expect(run.standardError.hasPrefix(
            "greeting.md:5:1: error: this cell's code differs from the source of demo `process-hello` "
                + "(Sources/Demos/ProcessHello.swift:"))
        #expect(run.standardOutput.isEmpty, "nothing runs")
    }

    @Test func anEmptyCellShowsTheDemosCodeInTheReport() throws {
        let folder = try TemporaryFolder()
        try AtomicTestFile.write("```swift demo=process-hello\n```\n", to: folder.path.appending("hello.md"))
        let run = try lesson(["render", "hello.md", "--format", "markdown"], in: folder.path)
        #expect(run.exitCode == 0)
        #expect(run.standardOutput.hasPrefix("""
            ```swift demo=process-hello
            static let greet = ProcessFunction("greet") { (name: String) in
                print("hello \\(name)")
            }

            """))
        #expect(run.standardOutput.contains("```output\nhello bob\n```\n"))
    }
}
