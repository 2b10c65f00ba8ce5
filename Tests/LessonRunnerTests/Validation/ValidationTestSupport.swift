import LessonRunner
import Multiprocessing

/// Lessons parsed in memory and results made up, for the matcher and accept tests.
enum ValidationTestSupport {
    static let demos = DemoRegistry(["hello", "other"].map { Demo($0, summary: "") { _ in 0 } })

    static func lesson(_ markdown: String, path: String = "lesson.md") throws(LessonError) -> Lesson {
        try LessonParser(demos: demos).parse(Array(markdown.utf8), path: path)
    }

    /// A passed result for `cell` that printed `stdout` and `stderr` and exited 0.
    static func result(
        _ cellID: String, stdout: String, stderr: String = "", status: CellStatus = .passed
    ) -> CellResult {
        var output = CapturedOutput()
        output.stdout = CapturedStream(bytes: Array(stdout.utf8))
        output.stderr = CapturedStream(bytes: Array(stderr.utf8))
        return CellResult(
            cellID: cellID, status: status, termination: .exited(0), output: output, duration: .milliseconds(2))
    }

    /// The mismatches of the lesson's first cell when it prints `stdout` (and `stderr`).
    static func mismatches(_ markdown: String, stdout: String, stderr: String = "") throws -> [OutputMismatch] {
        let lesson = try lesson(markdown)
        let cell = lesson.cells[0]
        return OutputCheck.mismatches(of: cell, output: result(cell.id, stdout: stdout, stderr: stderr).output)
    }

    /// A lesson with one cell whose `output` block (with `info`) holds `expected`; the block's content starts on
    /// line 5.
    static func outputLesson(_ expected: String, info: String = "output") -> String {
        "# Title\n\n```swift demo=hello\n```\n```\(info)\n" + expected + "```\n"
    }
}
