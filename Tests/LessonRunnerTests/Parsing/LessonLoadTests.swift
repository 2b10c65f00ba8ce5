import Foundation
import Testing

@testable import LessonRunner

@Suite("Loading lesson files")
struct LessonLoadTests {
    @Test func loadsAFixture() throws {
        let url = try #require(
            Bundle.module.url(forResource: "basic", withExtension: "md", subdirectory: "Fixtures/Parsing"))
        let lesson = try LessonParser(demos: testDemos).load(path: url.path)
        #expect(lesson.path == url.path)
        #expect(lesson.title == "A basic lesson")
        #expect(lesson.source == Array(try Data(contentsOf: url)))
        #expect(lesson.cells.map(\.id) == ["greet", "echo"])
        #expect(lesson.cells[0].expectedOutput?.text == "Hello, world!\n")
        #expect(lesson.cells[1].options.arguments == ["one", "two words"])
        #expect(lesson.cells[1].options.timeout == .milliseconds(500))
        #expect(lesson.cells[1].expectedError?.text == "warning: two words\n")
    }

    @Test func unreadableFile() {
        #expect(loadDiagnostics("/nonexistent/lesson.md") == [
            "/nonexistent/lesson.md:1:1: error: cannot read `/nonexistent/lesson.md`: no such file or directory"
        ])
        #expect(loadDiagnostics("/") == ["/:1:1: error: cannot read `/`: is a directory"])
    }

    private func loadDiagnostics(_ path: String) -> [String] {
        do {
            _ = try LessonParser(demos: testDemos).load(path: path)
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }
}
