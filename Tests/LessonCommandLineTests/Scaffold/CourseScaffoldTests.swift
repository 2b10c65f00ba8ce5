@testable import LessonCommandLine
import LessonTestSupport
import SystemPackage
import Testing

@Suite("a new course package's files")
struct CourseScaffoldTests {
    func scaffold(_ dependency: LessonRunnerDependency) throws -> CourseScaffold {
        CourseScaffold(
            name: try CourseName("intro-course"), lessonRunner: dependency,
            lessonTool: "/opt/Lesson Runner/.build/debug/lesson")
    }

    func file(_ path: String, of scaffold: CourseScaffold) throws -> String {
        try #require(scaffold.files.first { $0.path == path }).contents
    }

    @Test func theFilesOfACourse() throws {
        let paths = try scaffold(.path("/src/LessonRunner")).files.map(\.path)
        #expect(paths == [
            "Package.swift", "Sources/IntroCourseDemos/Hello.swift", "Sources/IntroCourseDemos/Course.swift",
            "Sources/intro-course-demos/main.swift", "Lessons/01-first-lesson.md", "README.md", ".gitignore",
            "ci/check",
        ])
        #expect(try scaffold(.path("/src/LessonRunner")).files.filter(\.isExecutable).map(\.path) == ["ci/check"])
    }

    @Test func theManifestNamesLessonRunnersProductsWithItsIdentity() throws {
        let local = try file("Package.swift", of: scaffold(.path("/work/wt-init")))
        #expect(local.contains("let lessonRunner = \"wt-init\"\n"))
        #expect(local.contains(".package(path: \"/work/wt-init\"),\n"))
        #expect(local.contains(".product(name: \"DemoHosting\", package: lessonRunner),"))
        #expect(local.contains("plugins: [.plugin(name: \"EmbedDemoSources\", package: lessonRunner)]"))
        #expect(local.contains("name: \"intro-course\","))

        let remote = try file(
            "Package.swift",
            of: scaffold(.url("https://github.com/example/LessonRunner.git", version: "1.2.0")))
        #expect(remote.contains("let lessonRunner = \"LessonRunner\"\n"))
        #expect(remote.contains(".package(url: \"https://github.com/example/LessonRunner.git\", from: \"1.2.0\"),"))
    }

    @Test func theHostLinksOnlyLightProducts() throws {
        let manifest = try file("Package.swift", of: scaffold(.path("/src/LessonRunner")))
        let products = manifest.split(separator: ".product(name: \"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(Set(products) == ["DemoHosting", "Multiprocessing", "ArgumentParser"])
    }

    @Test func theLessonsCellRunsTheDemoAndHoldsItsOutput() throws {
        let course = try scaffold(.path("/src/LessonRunner"))
        let lesson = try file("Lessons/01-first-lesson.md", of: course)
        #expect(lesson.contains("""
            ```swift demo=hello args="--name Ada"
            ```

            ```output
            Hello, Ada!
            That is 11 characters.
            ```
            """))
        let demo = try file("Sources/IntroCourseDemos/Hello.swift", of: course)
        #expect(demo.contains("""
                    // ANCHOR: shown
                    let greeting = "Hello, \\(options.name)!"
                    print(greeting)
                    print("That is \\(greeting.count) characters.")
                    // ANCHOR_END: shown
            """))
        #expect(try file("Sources/intro-course-demos/main.swift", of: course).contains("DemoHost.main(demos: .course)"))
    }

    @Test func theReadmeAndCIScriptCallTheLessonTool() throws {
        var course = try scaffold(.path("/src/LessonRunner"))
        course.lessonTool = "/src/LessonRunner/.build/debug/lesson"
        let readme = try file("README.md", of: course)
        #expect(readme.contains("""
            alias lesson=/src/LessonRunner/.build/debug/lesson
            swift build -c release --product intro-course-demos
            lesson render Lessons --format html -o reports/html --demos .build/release/intro-course-demos
            lesson check Lessons --demos .build/release/intro-course-demos
            """))
        #expect(readme.contains("(/src/LessonRunner/Sources/LessonRunner/LessonRunner.docc/WritingACourse.md)"))
        #expect(try file("ci/check", of: course).contains("""
            default_lesson=/src/LessonRunner/.build/debug/lesson
            lesson="${LESSON:-$default_lesson}"
            swift build -c release --product intro-course-demos
            mkdir -p reports
            "$lesson" check Lessons --demos .build/release/intro-course-demos --junit reports/junit.xml "$@"
            """))
        #expect(try file(".gitignore", of: course) == ".build/\n.swiftpm/\nPackage.resolved\n/reports/\n")
    }

    @Test func aToolPathWithSpacesIsQuoted() throws {
        let course = try scaffold(.path("/src/LessonRunner"))
        #expect(try file("ci/check", of: course).contains("default_lesson='/opt/Lesson Runner/.build/debug/lesson'\n"))
        #expect(course.nextCommands(folder: "my courses/intro") == [
            "cd 'my courses/intro' && swift build -c release --product intro-course-demos",
            "'/opt/Lesson Runner/.build/debug/lesson' check Lessons --demos .build/release/intro-course-demos",
        ])
    }

    @Test func theFolderMustNotBeNamedAsLessonRunnersPackage() throws {
        let temporary = try TemporaryFolder()
        #expect {
            try scaffold(.path("/src/LessonRunner")).write(into: temporary.path.appending("lessonrunner"), force: false)
        } throws: { error in
            (error as? CourseScaffoldError)?.code == .invalidName && "\(error)".contains("SwiftPM needs two names")
        }
    }
}
