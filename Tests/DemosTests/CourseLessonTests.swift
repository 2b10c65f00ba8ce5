import Demos
import LessonRunner
import LessonTestSupport
import Testing

/// The course in `Lessons/`: every demo has its cell, and every cell shows its demo's code.
@Suite struct CourseLessonTests {
    static let courseDemos = [
        "pool-map", "process-hello", "start-methods", "queue", "pipe", "lock", "no-lock", "shared-memory",
        "manager", "pi", "parallel-delayed", "doubler", "ping-pong",
    ]

    @Test func theMultiprocessingLessonHasACellForEachCourseDemoInOrder() throws {
        let path = BuiltExecutables.packageRoot.appending("Lessons/01-multiprocessing.md").string
        let lesson = try LessonParser(demos: .builtIn).load(path: path)
        #expect(lesson.cells.map(\.demo) == Self.courseDemos)
        #expect(lesson.warnings.isEmpty)
        for cell in lesson.cells {
            #expect(cell.showsDemoSource || cell.demoSource?.code != nil, "\(cell.id) shows its demo's source")
            #expect(cell.expectedOutput != nil, "\(cell.id) declares its output")
        }
    }

    @Test func everyLessonInTheCourseParses() throws {
        let files = try LessonFiles.collect([BuiltExecutables.packageRoot.appending("Lessons").string])
        #expect(files.count >= 2)
        for file in files {
            _ = try LessonParser(demos: .builtIn).load(path: file.path)
        }
    }
}
