// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "LessonRunner",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Multiprocessing", targets: ["Multiprocessing"]),
        .library(name: "MultiprocessingManagers", targets: ["MultiprocessingManagers"]),
        .library(name: "LessonRunner", targets: ["LessonRunner"]),
        .library(name: "LessonCommandLine", targets: ["LessonCommandLine"]),
        .library(name: "Demos", targets: ["Demos"]),
        .executable(name: "lesson", targets: ["lesson"]),
        // Apply to a demo module so that lessons show, and are checked against, the code its demos run.
        .plugin(name: "EmbedDemoSources", targets: ["EmbedDemoSources"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        // The HTML report: Swift highlighting from the parser's own classifier, and the page template.
        .package(url: "https://github.com/swiftlang/swift-syntax", from: "603.0.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // Debian's libcmark-gfm and its GFM extensions. Only `Parsing/CommonMarkConverter.swift` imports it.
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        // What Glibc's module does not export (memfd_create, pipe2, prctl, pidfd_open, ...). Functions are prefixed `lx_`.
        .target(name: "CLinuxShims"),
        .target(
            name: "Multiprocessing",
            dependencies: [
                "CLinuxShims",
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // Python's `multiprocessing.managers`: a server process holding objects that proxies use. A module of its
        // own so that a program that does not use it links neither swift-crypto nor, through it, Foundation:
        // every `spawn` child of such a program starts without them.
        .target(
            name: "MultiprocessingManagers",
            dependencies: [
                "Multiprocessing",
                "CLinuxShims",
                .product(name: "SystemPackage", package: "swift-system"),
                // HMAC-SHA256 for the Manager's authentication.
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "LessonRunner",
            dependencies: [
                "CCmarkGFM",
                "Multiprocessing",
                .product(name: "SystemPackage", package: "swift-system"),
                // SHA-256 for the result cache's keys.
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftIDEUtils", package: "swift-syntax"),
                .product(name: "SwiftParser", package: "swift-syntax"),
                .product(name: "SwiftSyntax", package: "swift-syntax"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            // The HTML report's default page template, compiled in as bytes (no resource bundle, no Foundation).
            resources: [
                .embedInCode("Rendering/Templates/lesson.mustache"),
                .embedInCode("Rendering/Templates/index.mustache"),
            ]
        ),
        // The course's demos; their own sources are compiled in, so lessons show the code that runs.
        .target(
            name: "Demos",
            dependencies: [
                "LessonRunner", "Multiprocessing", "MultiprocessingManagers",
                // Demo parameters (`args=`, `lesson run --cell pi -- --samples 1000`).
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            plugins: ["EmbedDemoSources"]
        ),
        // A build plugin and its tool: a module's Swift sources as string literals in that module.
        .executableTarget(name: "embed-demo-sources"),
        .plugin(name: "EmbedDemoSources", capability: .buildTool(), dependencies: ["embed-demo-sources"]),
        .target(
            name: "LessonCommandLine",
            dependencies: [
                "LessonRunner",
                "Multiprocessing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "lesson", dependencies: ["LessonCommandLine", "Demos"]),

        // What every benchmark shares: its samples and running its Python peer in the same run.
        .target(
            name: "BenchmarkSupport",
            dependencies: ["Multiprocessing", .product(name: "SystemPackage", package: "swift-system")],
            path: "Benchmarks/BenchmarkSupport"
        ),
        // Release-mode benchmarks with a Python peer: `scripts/benchmark`.
        .executableTarget(
            name: "lesson-benchmarks",
            dependencies: [
                "BenchmarkSupport", "LessonRunner", "Multiprocessing", "Demos",
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Benchmarks/LessonBenchmarks"
        ),

        // Release-mode benchmarks of Multiprocessing against Python's multiprocessing: `scripts/benchmark`.
        .executableTarget(
            name: "multiprocessing-benchmarks",
            dependencies: ["BenchmarkSupport", "Multiprocessing", "CLinuxShims"],
            path: "Benchmarks/MultiprocessingBenchmarks"
        ),
        // Release-mode benchmarks of the synchronization primitives and shared memory, against Python and C.
        .executableTarget(
            name: "synchronization-benchmarks",
            dependencies: [
                "BenchmarkSupport", "Multiprocessing", "CLinuxShims",
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Benchmarks/SynchronizationBenchmarks"
        ),

        // Release-mode benchmarks of the Manager against Python's `multiprocessing.Manager()`: `scripts/benchmark`.
        .executableTarget(
            name: "manager-benchmarks",
            dependencies: ["BenchmarkSupport", "Multiprocessing", "MultiprocessingManagers", "CLinuxShims"],
            path: "Benchmarks/ManagerBenchmarks"
        ),

        // Release-mode benchmarks of Pool and Parallel against Python's Pool and joblib: `scripts/benchmark`.
        .executableTarget(
            name: "pool-benchmarks",
            dependencies: [
                "BenchmarkSupport", "Multiprocessing", "CLinuxShims", "Demos",
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Benchmarks/PoolBenchmarks"
        ),

        // The functions the Multiprocessing tests run in children, and the worker executable that registers them.
        .target(
            name: "MultiprocessingTestFunctions",
            dependencies: ["Multiprocessing", "MultiprocessingManagers"],
            path: "Tests/MultiprocessingTestFunctions"
        ),
        .executableTarget(
            name: "multiprocessing-test-worker",
            dependencies: ["Multiprocessing", "MultiprocessingTestFunctions"],
            path: "Tests/MultiprocessingWorker"
        ),

        // A `lesson` built by "another package": the built-in demos plus fault demos that only tests need.
        .executableTarget(
            name: "lesson-fixtures",
            dependencies: ["LessonCommandLine", "Demos", "Multiprocessing"],
            path: "Tests/LessonFixtures"
        ),
        // What the test targets share: where the built executables are, and a census of leftover processes.
        .target(
            name: "LessonTestSupport",
            dependencies: ["Multiprocessing", .product(name: "SystemPackage", package: "swift-system")],
            path: "Tests/LessonTestSupport"
        ),
        .testTarget(
            name: "MultiprocessingTests",
            dependencies: [
                "Multiprocessing", "MultiprocessingManagers", "MultiprocessingTestFunctions", "LessonTestSupport",
                "lesson-fixtures", "multiprocessing-test-worker",
            ]
        ),
        // A module with sources that are hard to quote, embedded by the plugin, for the tests.
        .target(
            name: "EmbeddedSourcesFixture",
            dependencies: ["LessonRunner"],
            path: "Tests/EmbeddedSourcesFixture",
            plugins: ["EmbedDemoSources"]
        ),
        .testTarget(
            name: "DemosTests",
            dependencies: ["Demos", "LessonRunner", "LessonTestSupport", "EmbeddedSourcesFixture"]
        ),
        .testTarget(
            name: "LessonRunnerTests",
            dependencies: ["LessonRunner", "LessonTestSupport", "lesson-fixtures"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "LessonCommandLineTests",
            dependencies: ["LessonCommandLine", "LessonTestSupport", "lesson", "lesson-fixtures"],
            exclude: ["Fixtures"]
        ),
    ]
)
