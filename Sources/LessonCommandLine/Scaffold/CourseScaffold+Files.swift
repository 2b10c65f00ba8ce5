// The texts of a new course's files. Raw strings: `\(…)` is the generated Swift's own interpolation, `\#(…)` fills
// in the course's names.
extension CourseScaffold {
    var packageManifest: String {
        #"""
        // swift-tools-version:6.1
        // The course \#(name.packageName): its demos (Sources/\#(name.moduleName)), the demo host that runs the cells
        // of its lessons (Sources/\#(name.hostName)), and its lessons (Lessons/).
        import PackageDescription

        // SwiftPM knows a dependency by the last component of its path or URL: the products below name it so.
        let lessonRunner = \#(SwiftLiteral.string(lessonRunner.identity))

        let package = Package(
            name: \#(SwiftLiteral.string(name.packageName)),
            platforms: [.macOS(.v15)],
            dependencies: [
                \#(lessonRunner.packageDeclaration),
                .package(url: "https://github.com/apple/swift-argument-parser", from: "\#(Self.argumentParserVersion)"),
            ],
            targets: [
                // The demos, one file each. EmbedDemoSources compiles their sources in, so that a lesson's cells show,
                // and are checked against, the code that runs.
                .target(
                    name: "\#(name.moduleName)",
                    dependencies: [
                        .product(name: "DemoHosting", package: lessonRunner),
                        .product(name: "Multiprocessing", package: lessonRunner),
                        .product(name: "ArgumentParser", package: "swift-argument-parser"),
                    ],
                    plugins: [.plugin(name: "EmbedDemoSources", package: lessonRunner)]
                ),
                // The demo host: `lesson` runs every cell in a process of it. It links no renderer, so it builds fast
                // and a cell starts as fast as a small program.
                .executableTarget(
                    name: "\#(name.hostName)",
                    dependencies: ["\#(name.moduleName)", .product(name: "DemoHosting", package: lessonRunner)]
                ),
            ]
        )

        """#
    }

    var helloDemo: String {
        #"""
        import ArgumentParser
        import DemoHosting

        extension Demo {
            /// The parameters of `hello`, from a cell's `args="--name Ada"` or `lesson run … -- --name Ada`.
            struct HelloOptions: ParsableArguments {
                @Option(help: "Who to greet.")
                var name = "world"
            }

            /// The first lesson's demo. A cell shows only the lines between the two ANCHOR comments.
            static let hello = Demo("hello", summary: "greets someone: --name NAME") { (options: HelloOptions) in
                // ANCHOR: shown
                let greeting = "Hello, \(options.name)!"
                print(greeting)
                print("That is \(greeting.count) characters.")
                // ANCHOR_END: shown
            }
        }

        """#
    }

    var registry: String {
        #"""
        import DemoHosting

        extension DemoRegistry {
            /// Every demo of the course. A new demo goes in a file of its own, as `extension Demo { static let … }`,
            /// and in this list. `.embedded` holds this module's sources, compiled in by EmbedDemoSources.
            public static let course = DemoRegistry([.hello], sources: .embedded)
        }

        """#
    }

    var hostMain: String {
        #"""
        import DemoHosting
        import \#(name.moduleName)

        // The first thing the host does: in a cell's process, run the cell's demo and exit.
        DemoHost.main(demos: .course)

        """#
    }

    var firstLesson: String {
        #"""
        # A first lesson

        A lesson is Markdown. A fenced code block whose info string names a `demo=` is a **cell**: `lesson` runs that
        demo in a child process and puts what it printed under the cell. The cell below is empty, so reports show the
        demo's code: the lines of `Sources/\#(name.moduleName)/Hello.swift` between `// ANCHOR: shown` and
        `// ANCHOR_END: shown`. Its `args=` are the demo's parameters.

        The block marked `output` right after the cell is what the cell must print: `lesson check` compares, and
        `lesson accept` writes what the cell printed into it.

        ```swift demo=hello args="--name Ada"
        ```

        ```output
        Hello, Ada!
        That is 11 characters.
        ```

        """#
    }

    var readme: String {
        #"""
        # \#(name.packageName)

        A course run by LessonRunner: lessons in `Lessons/`, their demos in `Sources/\#(name.moduleName)` (one file
        each), and the demo host that runs every cell, `Sources/\#(name.hostName)`.

        ## Render and check

        `lesson` is LessonRunner's tool. Build the demo host (again after changing a demo), then render the lessons
        as HTML pages (`reports/html/index.html`) or check that every cell still prints what its lesson says:

        ```sh
        alias lesson=\#(ShellQuote.word(ShellQuote.word(lessonTool.string)))
        swift build -c release --product \#(name.hostName)
        lesson render Lessons --format html -o reports/html --demos \#(builtHost)
        lesson check Lessons --demos \#(builtHost)
        ```

        While writing, `lesson serve Lessons --demos \#(builtHost)` serves the lessons as live pages that run the
        cells, and `lesson accept Lessons --demos \#(builtHost)` writes what the cells print into the lessons.

        CI runs `ci/check`: it builds the host and checks the lessons, with a JUnit report in `reports/junit.xml`.
        `LESSON=PATH` names the `lesson` tool; arguments go to `lesson check`, such as `--shard 1/2`.

        How to add demos, parameters and lessons, and publish the pages: [Writing a course](\#(guideLink)).

        """#
    }

    var gitignore: String {
        """
        .build/
        .swiftpm/
        Package.resolved
        /reports/

        """
    }

    var ciScript: String {
        #"""
        #!/usr/bin/env bash
        # CI: builds the demo host in release mode and checks every lesson, with a JUnit report in reports/junit.xml.
        # LESSON names the `lesson` tool; arguments go to `lesson check` (such as --shard 1/2 or --jobs 2).
        set -euo pipefail
        cd "$(dirname "$0")/.."
        default_lesson=\#(ShellQuote.word(lessonTool.string))
        lesson="${LESSON:-$default_lesson}"
        swift build -c release --product \#(name.hostName)
        mkdir -p reports
        "$lesson" check Lessons --demos \#(builtHost) --junit reports/junit.xml "$@"

        """#
    }

    /// The course-writing guide: in the checkout for a path dependency, else in LessonRunner's repository.
    var guideLink: String {
        let article = "Sources/LessonRunner/LessonRunner.docc/WritingACourse.md"
        switch lessonRunner {
        case .path(let path): return path.appending(article).string
        case .url(let url, _):
            let web = url.hasSuffix(".git") ? String(url.dropLast(4)) : url
            return web.hasPrefix("https://") ? "\(web)/blob/main/\(article)" : article
        }
    }
}
