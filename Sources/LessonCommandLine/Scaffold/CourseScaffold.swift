import SystemPackage

/// A new course package, as files: what `lesson init` writes.
///
/// The package holds a demos module with one demo (its sources embedded by the `EmbedDemoSources` plugin), the
/// demo host that runs the cells, a first lesson whose cell runs that demo, a README with the commands that render
/// and check the course, a `.gitignore`, and `ci/check`, the script CI runs. The host depends only on LessonRunner's
/// light products (`DemoHosting`, `Multiprocessing`) and swift-argument-parser, never on the renderer, so it builds
/// in a minute or two.
///
/// ```swift
/// let scaffold = CourseScaffold(
///     name: try CourseName("intro-course"), lessonRunner: .path("/src/LessonRunner"),
///     lessonTool: "/src/LessonRunner/.build/debug/lesson")
/// let results = try scaffold.write(into: "intro-course", force: false)
/// ```
public struct CourseScaffold: Sendable {
    /// The course's name, and its module's and host's.
    public var name: CourseName
    /// Where the package gets LessonRunner from.
    public var lessonRunner: LessonRunnerDependency
    /// The `lesson` executable that the README and `ci/check` call (`ci/check` takes `$LESSON` first).
    public var lessonTool: FilePath

    /// The version of swift-argument-parser the course asks for: the one LessonRunner asks for.
    static let argumentParserVersion = "1.8.2"

    /// A course named `name` that depends on `lessonRunner`, whose commands call `lessonTool`.
    public init(name: CourseName, lessonRunner: LessonRunnerDependency, lessonTool: FilePath) {
        self.name = name
        self.lessonRunner = lessonRunner
        self.lessonTool = lessonTool
    }

    /// The demo host's path once built by `swift build -c release`, relative to the course's folder.
    public var builtHost: String { ".build/release/\(name.hostName)" }

    /// The package's files, paths relative to its folder, in the order they are written.
    public var files: [ScaffoldFile] {
        [
            ScaffoldFile(path: "Package.swift", contents: packageManifest),
            ScaffoldFile(path: "Sources/\(name.moduleName)/Hello.swift", contents: helloDemo),
            ScaffoldFile(path: "Sources/\(name.moduleName)/Course.swift", contents: registry),
            ScaffoldFile(path: "Sources/\(name.hostName)/main.swift", contents: hostMain),
            ScaffoldFile(path: "Lessons/01-first-lesson.md", contents: firstLesson),
            ScaffoldFile(path: "README.md", contents: readme),
            ScaffoldFile(path: ".gitignore", contents: gitignore),
            ScaffoldFile(path: "ci/check", contents: ciScript, isExecutable: true),
        ]
    }

    /// The commands to run next, from the folder `lesson init` ran in: build the host, then check the lesson.
    public func nextCommands(folder: FilePath) -> [String] {
        [
            "cd \(ShellQuote.word(folder.string)) && swift build -c release --product \(name.hostName)",
            "\(ShellQuote.word(lessonTool.string)) check Lessons --demos \(builtHost)",
        ]
    }
}

/// One file of a generated package.
public struct ScaffoldFile: Sendable, Equatable {
    /// The path below the package's folder, `/`-separated.
    public var path: String
    /// The file's text.
    public var contents: String
    /// Whether the file is a script to run (mode 0755 rather than 0644, less the umask).
    public var isExecutable: Bool

    /// A file at `path`, below the package's folder, that holds `contents`.
    public init(path: String, contents: String, isExecutable: Bool = false) {
        self.path = path
        self.contents = contents
        self.isExecutable = isExecutable
    }
}
