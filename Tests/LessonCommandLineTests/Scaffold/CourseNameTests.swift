import LessonCommandLine
import Testing

@Suite("course names")
struct CourseNameTests {
    @Test(arguments: [
        ("intro-course", "IntroCourseDemos", "intro-course-demos"),
        ("SwiftBasics", "SwiftBasicsDemos", "swift-basics-demos"),
        ("course_2", "Course2Demos", "course-2-demos"),
        ("myCourse2Go", "MyCourse2GoDemos", "my-course2-go-demos"),
        ("a", "ADemos", "a-demos"),
        ("HTTP-basics", "HTTPBasicsDemos", "http-basics-demos"),
    ])
    func theModuleAndHostNamesComeFromTheNamesWords(name: String, module: String, host: String) throws {
        let courseName = try CourseName(name)
        #expect(courseName.packageName == name)
        #expect(courseName.moduleName == module)
        #expect(courseName.hostName == host)
    }

    @Test(arguments: [
        ("", "'' cannot name a course: it is empty"),
        ("2fast", "'2fast' cannot name a course: it starts with '2'"),
        ("my course", "'my course' cannot name a course: it holds a space"),
        ("a.b", "'a.b' cannot name a course: it holds '.'"),
        ("-x", "'-x' cannot name a course: it starts with '-'"),
        ("café", "'café' cannot name a course: it holds 'é'"),
        ("lesson", "'lesson' cannot name a course: its demo target would be 'lesson-demos'"),
    ])
    func aNameSwiftOrSwiftPMCannotUseIsAnError(name: String, message: String) {
        #expect {
            try CourseName(name)
        } throws: { error in
            guard let error = error as? CourseScaffoldError else { return false }
            return error.code == .invalidName && error.message.hasPrefix(message)
        }
    }
}
