import Dispatch
import LessonTestSupport
import SystemPackage
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// End to end: the built `lesson init` makes a course package that builds against this checkout, whose lesson
/// passes `lesson check` and whose CI script passes.
@Suite("lesson init", .serialized)
struct InitCommandTests {
    func lesson(_ arguments: [String], in directory: FilePath) throws -> CommandRun {
        try CommandRun.run(BuiltExecutables.lesson, arguments, in: directory)
    }

    /// Runs a command that takes minutes on a Dispatch thread, so that it holds none of Swift concurrency's few
    /// threads, which the other tests need meanwhile.
    func runAside(
        _ executable: FilePath, _ arguments: [String], in directory: FilePath? = nil
    ) async throws -> CommandRun {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try CommandRun.run(executable, arguments, in: directory) })
            }
        }
    }

    func read(_ path: FilePath) throws -> String {
        String(decoding: try TemporaryFile.read(path.string), as: UTF8.self)
    }

    @Test func aNewCourseBuildsAndPassesItsCheckAndItsCIScript() async throws {
        let temporary = try TemporaryFolder()
        let made = try lesson(["init", "intro-course"], in: temporary.path)
        #expect(made.exitCode == 0, "\(made.standardError)")
        #expect(made.standardError.isEmpty)
        let tool = BuiltExecutables.lesson.string
        #expect(made.standardOutput == """
            created intro-course/Package.swift
            created intro-course/Sources/IntroCourseDemos/Hello.swift
            created intro-course/Sources/IntroCourseDemos/Course.swift
            created intro-course/Sources/intro-course-demos/main.swift
            created intro-course/Lessons/01-first-lesson.md
            created intro-course/README.md
            created intro-course/.gitignore
            created intro-course/ci/check

            Next, build the demo host and check the first lesson:
              cd intro-course && swift build -c release --product intro-course-demos
              \(tool) check Lessons --demos .build/release/intro-course-demos

            """)
        let course = temporary.path.appending("intro-course")
        #expect(try read(course.appending("Package.swift")).contains(
            ".package(path: \"\(BuiltExecutables.packageRoot)\")"))

        // One release build of the host, offline against this checkout; ci/check's own build then has nothing to do.
        let build = try await runAside(
            "/usr/bin/env",
            ["swift", "build", "--package-path", course.string, "-c", "release", "--product", "intro-course-demos"])
        try #require(build.exitCode == 0, "\(build.standardOutput)\(build.standardError)")
        #expect(!build.standardOutput.contains("Compiling SwiftSyntax "), "the host does not build the renderer")
        #expect(!build.standardOutput.contains("Compiling LessonRunner "))

        let check = try lesson(["check", "Lessons", "--demos", ".build/release/intro-course-demos"], in: course)
        #expect(check.exitCode == 0, "\(check.standardOutput)\(check.standardError)")
        #expect(check.standardOutput.contains("1 cell in 1 lesson: 1 passed"))

        let ci = try await runAside(course.appending("ci/check"), ["--jobs", "2"], in: course)
        #expect(ci.exitCode == 0, "\(ci.standardOutput)\(ci.standardError)")
        #expect(ci.standardOutput.contains("1 cell in 1 lesson: 1 passed"))
        #expect(try read(course.appending("reports/junit.xml")).contains("<testcase "))

        let again = try lesson(["init", "intro-course"], in: temporary.path)
        #expect(again.exitCode == 2)
        #expect(again.standardError.hasPrefix("lesson: error: intro-course is not empty ("))
        #expect(again.standardOutput.isEmpty)
    }

    @Test func badNamesAndDependenciesAreUsageErrorsThatWriteNothing() throws {
        let temporary = try TemporaryFolder()
        let spaced = try lesson(["init", "course", "--name", "my course"], in: temporary.path)
        #expect(spaced.exitCode == 2)
        #expect(spaced.standardError == "lesson: error: 'my course' cannot name a course: it holds a space (a name "
            + "starts with a letter and holds only letters (a–z, A–Z), digits, '-' and '_')\n")

        let digit = try lesson(["init", "2nd-course"], in: temporary.path)
        #expect(digit.exitCode == 2)
        #expect(digit.standardError.hasPrefix("lesson: error: '2nd-course' cannot name a course: it starts with '2'"))
        #expect(digit.standardError.hasSuffix(
            "; a course is named after its folder unless --name NAME says otherwise\n"))

        let url = try lesson(
            ["init", "course", "--lesson-runner", "https://example.com/LessonRunner.git"], in: temporary.path)
        #expect(url.exitCode == 2)
        #expect(url.standardError.contains("a URL needs the version to depend on"))

        let missing = try lesson(["init"], in: temporary.path)
        #expect(missing.exitCode == 2)

        #expect(access(temporary.path.appending("course").string, F_OK) != 0, "nothing was written")
        #expect(access(temporary.path.appending("2nd-course").string, F_OK) != 0)

        // The working directory, as `.` or as an empty path, is refused once it holds a file.
        let notes = creat(temporary.path.appending("notes.md").string, 0o644)
        #expect(notes >= 0)
        close(notes)
        for path in [".", ""] {
            let here = try lesson(["init", path], in: temporary.path)
            #expect(here.exitCode == 2)
            #expect(here.standardError.hasPrefix("lesson: error: . is not empty (notes.md); --force adds"))
        }
    }
}
