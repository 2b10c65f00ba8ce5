/// A course's name and the names derived from it: the package, its demos module and its demo host.
///
/// A name starts with an ASCII letter and holds only ASCII letters, digits, `-` and `_`, so that every derived
/// name is one Swift and SwiftPM accept. Its *words* are the parts between `-` and `_`, a capital letter after a
/// lower-case letter or a digit starting a new word:
///
/// | Name | ``packageName`` | ``moduleName`` | ``hostName`` |
/// |---|---|---|---|
/// | `intro-course` | `intro-course` | `IntroCourseDemos` | `intro-course-demos` |
/// | `SwiftBasics` | `SwiftBasics` | `SwiftBasicsDemos` | `swift-basics-demos` |
/// | `course_2` | `course_2` | `Course2Demos` | `course-2-demos` |
///
/// The demos module is the words, each with its first letter capitalised, joined, and `Demos`; the host is the
/// words in lower case, joined by `-`, and `-demos`.
public struct CourseName: Sendable, Equatable, CustomStringConvertible {
    /// The name as given: the package's name.
    public let packageName: String
    /// The library target that declares the demos (UpperCamelCase).
    public let moduleName: String
    /// The demo host's executable target (lower-kebab-case).
    public let hostName: String

    /// Names LessonRunner's own targets use; SwiftPM wants target names unique in the whole package graph.
    static let reservedNames: Set<String> = ["lesson-demos", "Demos"]

    /// Validates `name` and derives the module's and the host's names from it.
    ///
    /// - Throws: ``CourseScaffoldError`` with code `invalidName` when `name` is empty, does not start with a
    ///   letter, holds a character other than ASCII letters, digits, `-` and `_`, or derives a name that
    ///   LessonRunner's own targets use (`lesson`).
    public init(_ name: String) throws(CourseScaffoldError) {
        let rule = "a name starts with a letter and holds only letters (a–z, A–Z), digits, '-' and '_'"
        func invalid(_ reason: String) -> CourseScaffoldError {
            CourseScaffoldError(.invalidName, "'\(name)' cannot name a course: \(reason)")
        }
        guard let first = name.unicodeScalars.first else { throw invalid("it is empty (\(rule))") }
        guard Self.isLetter(first) else { throw invalid("it starts with '\(first)' (\(rule))") }
        let allowed = { (scalar: Unicode.Scalar) in
            Self.isLetter(scalar) || Self.isDigit(scalar) || scalar == "-" || scalar == "_"
        }
        if let other = name.unicodeScalars.first(where: { !allowed($0) }) {
            throw invalid((other == " " ? "it holds a space" : "it holds '\(other)'") + " (\(rule))")
        }
        let words = Self.words(of: name)
        packageName = name
        moduleName = words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined() + "Demos"
        hostName = words.map { $0.lowercased() }.joined(separator: "-") + "-demos"
        for derived in [moduleName, hostName] where Self.reservedNames.contains(derived) {
            throw invalid("its demo target would be '\(derived)', a name LessonRunner's own package uses")
        }
    }

    public var description: String { packageName }

    /// The parts between `-` and `_`, split again where a capital letter follows a lower-case letter or a digit.
    static func words(of name: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previous: Unicode.Scalar?
        for scalar in name.unicodeScalars {
            if scalar == "-" || scalar == "_" {
                if !current.isEmpty { words.append(current) }
                current = ""
                previous = nil
                continue
            }
            if let previous, Self.isUppercase(scalar), Self.isLowercase(previous) || Self.isDigit(previous) {
                words.append(current)
                current = ""
            }
            current.unicodeScalars.append(scalar)
            previous = scalar
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    private static func isUppercase(_ scalar: Unicode.Scalar) -> Bool { ("A"..."Z").contains(scalar) }
    private static func isLowercase(_ scalar: Unicode.Scalar) -> Bool { ("a"..."z").contains(scalar) }
    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool { isUppercase(scalar) || isLowercase(scalar) }
    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
}
