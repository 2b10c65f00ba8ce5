@testable import LessonCommandLine
import LessonTestSupport
import SystemPackage
import Testing

@Suite("the LessonRunner a course depends on")
struct LessonRunnerDependencyTests {
    /// A folder that looks like a LessonRunner checkout: its Package.swift names the package so.
    static func fakeCheckout(in folder: TemporaryFolder, named name: String) throws -> FilePath {
        let checkout = folder.path.appending(name)
        let results = try ScaffoldWriter(folder: checkout, force: false).write([
            ScaffoldFile(path: "Package.swift", contents: "let package = Package(\n    name: \"LessonRunner\",\n)\n"),
            ScaffoldFile(path: "Sources/LessonCommandLine/Init.swift", contents: ""),
        ])
        #expect(results.allSatisfy { $0.outcome == .written })
        return checkout
    }

    @Test func aPathIsMadeAbsoluteAndMustHoldLessonRunner() throws {
        let folder = try TemporaryFolder()
        let checkout = try Self.fakeCheckout(in: folder, named: "lesson-runner")
        let dependency = try LessonRunnerDependency(parsing: "lesson-runner/", relativeTo: folder.path)
        #expect(dependency == .path(checkout))
        #expect(dependency.identity == "lesson-runner")
        #expect(dependency.packageDeclaration == ".package(path: \"\(checkout)\")")

        #expect {
            try LessonRunnerDependency(parsing: "../nowhere", relativeTo: checkout)
        } throws: { error in
            (error as? CourseScaffoldError)?.code == .invalidDependency
                && "\(error)".contains("\(folder.path)/nowhere holds no Package.swift of LessonRunner")
        }
    }

    @Test func aURLTakesTheVersionAfterItsLastAt() throws {
        let https = try LessonRunnerDependency(
            parsing: "https://github.com/example/LessonRunner.git@1.2.0", relativeTo: "/")
        #expect(https == .url("https://github.com/example/LessonRunner.git", version: "1.2.0"))
        #expect(https.identity == "LessonRunner")
        #expect(https.packageDeclaration
            == ".package(url: \"https://github.com/example/LessonRunner.git\", from: \"1.2.0\")")

        let scp = try LessonRunnerDependency(
            parsing: "git@github.com:example/lesson-runner.git@2.0.0-beta.1", relativeTo: "/")
        #expect(scp == .url("git@github.com:example/lesson-runner.git", version: "2.0.0-beta.1"))
        #expect(scp.identity == "lesson-runner")
    }

    @Test(arguments: [
        ("https://github.com/example/LessonRunner.git", "a URL needs the version to depend on"),
        ("https://github.com/example/LessonRunner@1.2", "a URL needs the version to depend on"),
        ("git@github.com:example/LessonRunner.git", "a URL needs the version to depend on"),
        ("ftp://example.com/LessonRunner@1.0.0", "is not a URL SwiftPM can fetch"),
        ("https://example.com@1.0.0", "is not a URL SwiftPM can fetch"),
    ])
    func aURLWithoutAVersionOrThatSwiftPMCannotFetchIsAnError(text: String, message: String) {
        #expect {
            try LessonRunnerDependency(parsing: text, relativeTo: "/")
        } throws: { error in
            (error as? CourseScaffoldError)?.code == .invalidDependency && "\(error)".contains(message)
        }
    }

    @Test func theCheckoutIsFoundAboveTheExecutableOrTheSourceFile() throws {
        let folder = try TemporaryFolder()
        let checkout = try Self.fakeCheckout(in: folder, named: "runner")
        let tool = checkout.appending(".build/x86_64-unknown-linux-gnu/debug/lesson")
        #expect(LessonRunnerCheckout.locate(from: [tool]) == checkout)
        let elsewhere = FilePath("/usr/local/bin/lesson")
        let source = checkout.appending("Sources/LessonCommandLine/Init.swift")
        #expect(LessonRunnerCheckout.locate(from: [elsewhere, source]) == checkout)
        #expect(LessonRunnerCheckout.locate(from: [elsewhere]) == nil)
        #expect(LessonRunnerCheckout.locate(from: [LessonRunnerCheckout.sourceFile]) == BuiltExecutables.packageRoot)
    }
}
