import SystemPackage

/// Why `lesson init` cannot make a course: a name or a dependency it cannot use, a folder it must not write into,
/// or a file it cannot write.
public struct CourseScaffoldError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, for a caller that tells cases apart; ``message`` says it for people.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The course's name cannot name a Swift module, or clashes with a name LessonRunner uses.
        public static let invalidName = Code("invalidName")
        /// `--lesson-runner` is neither a LessonRunner checkout nor a URL with a version.
        public static let invalidDependency = Code("invalidDependency")
        /// No LessonRunner checkout was found for the generated package to depend on.
        public static let checkoutNotFound = Code("checkoutNotFound")
        /// The course's folder is not empty, and `--force` was not given.
        public static let folderNotEmpty = Code("folderNotEmpty")
        /// The course's path exists and is not a folder.
        public static let notAFolder = Code("notAFolder")
        /// A folder or file could not be created or written.
        public static let cannotWrite = Code("cannotWrite")
    }

    /// What went wrong.
    public var code: Code
    /// The file or folder concerned, if any.
    public var path: FilePath?
    /// A sentence for people, naming ``path`` where there is one.
    public var message: String
    /// The system's reason, for failures to write.
    public var errno: Errno?

    /// An error with `code`, about `path`, that reads `message` (followed by the system's reason, if any).
    public init(_ code: Code, path: FilePath? = nil, _ message: String, errno: Errno? = nil) {
        self.code = code
        self.path = path
        self.message = message
        self.errno = errno
    }

    public var description: String { message + (errno.map { ": \($0)" } ?? "") }
}
