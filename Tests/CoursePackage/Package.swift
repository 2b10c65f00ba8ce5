// swift-tools-version:6.1
// A course package as another author would write one: its demos, its demo host, its lessons. The tests build its
// host and run `lesson --demos` on its lessons.
import PackageDescription

// This fixture lives two folders below LessonRunner's root, whose folder name is the package's identity.
let lessonRunner = Context.packageDirectory.split(separator: "/").dropLast(2).last.map(String.init) ?? "LessonRunner"

let package = Package(
    name: "CoursePackage",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../.."),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(
            name: "CourseDemos",
            dependencies: [
                .product(name: "DemoHosting", package: lessonRunner),
                .product(name: "Multiprocessing", package: lessonRunner),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            plugins: [.plugin(name: "EmbedDemoSources", package: lessonRunner)]
        ),
        .executableTarget(
            name: "course-demos",
            dependencies: ["CourseDemos", .product(name: "DemoHosting", package: lessonRunner)]
        ),
    ]
)
