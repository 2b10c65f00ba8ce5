import LessonTestSupport
import SystemPackage
import Testing

/// How `lesson` finds the demo host that runs its cells: `--demos`, `LESSON_DEMOS`, or `lesson-demos` beside it.
@Suite("lesson --demos")
struct DemoHostOptionTests {
    static let fixtures = FilePath(#filePath).removingLastComponent().appending("Fixtures")

    @Test func theCourseRunsInTheHostBesideTheToolWithNoFlag() throws {
        let run = try CommandRun.run(
            BuiltExecutables.lesson, ["run", "Lessons/00-how-lessons-run.md", "--cell", "hello-lines", "--", "1"],
            in: BuiltExecutables.packageRoot)
        #expect(run.exitCode == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("Hello from a child process!\nline 1 of 1\n"))
    }

    @Test func theOptionAndTheVariableNameAnotherHost() throws {
        // `echo-args` is only in the fixtures' executable, which is a demo host too.
        let withOption = try CommandRun.run(
            BuiltExecutables.lesson, ["list", "tour.md", "--demos", BuiltExecutables.fixtures.string], in: Self.fixtures)
        #expect(withOption.exitCode == 0, "\(withOption.standardError)")
        #expect(withOption.standardOutput.contains("demo=echo-args"))
        let withVariable = try CommandRun.run(
            BuiltExecutables.lesson, ["run", "tour.md", "--cell", "echo-args", "--", "a b"], in: Self.fixtures,
            environment: ["LESSON_DEMOS": BuiltExecutables.fixtures.string])
        #expect(withVariable.exitCode == 0, "\(withVariable.standardError)")
        #expect(withVariable.standardOutput.contains("[a b]\n"))
        let courseHost = try CommandRun.run(BuiltExecutables.lesson, ["list", "tour.md"], in: Self.fixtures)
        #expect(courseHost.exitCode == 2, "the course's host has no echo-args")
        #expect(courseHost.standardError.contains("tour.md:20:"))
    }

    @Test func aHostThatCannotBeUsedIsOneClearErrorWithExitCode2() throws {
        let missing = try CommandRun.run(
            BuiltExecutables.lesson, ["check", "tour.md", "--demos", "/nonexistent/demos"], in: Self.fixtures)
        #expect(missing.exitCode == 2)
        #expect(missing.standardError == "lesson: error: demo host '/nonexistent/demos' does not exist: build it, "
            + "or name another with --demos PATH or LESSON_DEMOS\n")
        let notAHost = try CommandRun.run(BuiltExecutables.lesson, ["demos", "--demos", "/bin/true"])
        #expect(notAHost.exitCode == 2)
        #expect(notAHost.standardError.contains("'/bin/true' is not a demo host"))
    }

    @Test func theHostRunByHandSaysWhatItIsAndListsItsDemos() throws {
        let run = try CommandRun.run(BuiltExecutables.demoHost, [])
        #expect(run.exitCode == 2)
        #expect(run.standardError.contains("a demo host: it runs the cells of lessons for the `lesson` tool"))
        #expect(run.standardError.contains("  pi "))
    }

    @Test func demosListsTheHostsDemosWithTheirParameters() throws {
        let run = try CommandRun.run(BuiltExecutables.lesson, ["demos", "--usage"])
        #expect(run.exitCode == 0)
        #expect(run.standardOutput.contains("ping-pong"))
        #expect(run.standardOutput.contains("    USAGE: pi [--samples <samples>] [--processes <processes>]"))
    }
}
