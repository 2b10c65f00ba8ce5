@testable import LessonRunner

/// Demos the parsing tests may name; their bodies never run.
let testDemos = DemoRegistry(["hello", "pool-map", "echo", "crash"].map { Demo($0, summary: "", body: { _ in 0 }) })

/// Parses `text` as the lesson `lesson.md`.
func parseLesson(_ text: String, path: String = "lesson.md") throws(LessonError) -> Lesson {
    try LessonParser(demos: testDemos).parse(Array(text.utf8), path: path)
}

/// The diagnostics parsing `bytes` throws, as `LINE:COL: severity: message`; empty when it parses.
func diagnostics(ofBytes bytes: [UInt8]) -> [String] {
    do {
        _ = try LessonParser(demos: testDemos).parse(bytes, path: "lesson.md")
        return []
    } catch {
        return error.diagnostics.map(brief)
    }
}

/// The diagnostics parsing `text` throws, as `LINE:COL: severity: message`; empty when it parses.
func diagnostics(of text: String) -> [String] {
    diagnostics(ofBytes: Array(text.utf8))
}

/// `LINE:COL: severity: message`.
func brief(_ diagnostic: LessonDiagnostic) -> String {
    "\(diagnostic.location.line):\(diagnostic.location.column): \(diagnostic.severity.rawValue): \(diagnostic.message)"
}

/// The bytes of `lesson` that `block` covers, as text.
func text(of block: FencedBlock, in lesson: Lesson) -> String {
    String(decoding: lesson.source[block.byteRange], as: UTF8.self)
}
