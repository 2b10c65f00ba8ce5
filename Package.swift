// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "LessonRunner",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Multiprocessing", targets: ["Multiprocessing"]),
        .library(name: "MultiprocessingManagers", targets: ["MultiprocessingManagers"]),
        .library(name: "DemoHosting", targets: ["DemoHosting"]),
        .library(name: "LessonRunner", targets: ["LessonRunner"]),
        .library(name: "LessonCommandLine", targets: ["LessonCommandLine"]),
        .library(name: "Demos", targets: ["Demos"]),
        .executable(name: "lesson", targets: ["lesson"]),
        // This package's course: the demo host that `lesson` runs the cells of Lessons/ in.
        .executable(name: "lesson-demos", targets: ["lesson-demos"]),
        // Apply to a demo module so that lessons show, and are checked against, the code its demos run.
        .plugin(name: "EmbedDemoSources", targets: ["EmbedDemoSources"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        // The HTML report: Swift highlighting from the parser's own classifier, and the page template.
        .package(url: "https://github.com/swiftlang/swift-syntax", from: "603.0.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // `lesson serve`: Hummingbird 2 on SwiftNIO rather than FlyingFox, though FlyingFox builds faster: NIO's
        // HTTP/1 decoder bounds header sizes and counts, Hummingbird closes idle connections (a client that
        // trickles its headers) and caps open connections, and response bodies stream with back-pressure, which
        // server-sent events need. FlyingFox 0.27 has none of these limits.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // What Hummingbird's API is made of: header names, and its logger (kept quiet).
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Hummingbird's graceful shutdown: stop accepting, finish what is in flight, then close.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // `swift package generate-documentation --target Multiprocessing`: DocC, with the compiled examples of
        // Snippets/. A command plugin, built only when it runs: it adds nothing to `swift build`.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // Debian's libcmark-gfm and its GFM extensions. Only `Parsing/CommonMarkConverter.swift` imports it.
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        // Debian's OpenSSL 3 libcrypto, prebuilt (swift-crypto compiled BoringSSL, over 100 s of every clean build:
        // see `Sources/Digests`). Only Digests imports it; libcrypto.a links into the static release executables.
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // SHA-256, HMAC-SHA256 and constant-time comparison over COpenSSL, without Foundation.
        .target(name: "Digests", dependencies: ["COpenSSL"]),
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
        // own so that a program that does not use managers links neither it nor libcrypto: its executable, which
        // every `spawn` child starts again, is smaller and holds fewer protocol conformances (proxies, Codable).
        .target(
            name: "MultiprocessingManagers",
            dependencies: [
                "Multiprocessing",
                "CLinuxShims",
                .product(name: "SystemPackage", package: "swift-system"),
                // HMAC-SHA256 for the Manager's authentication (OpenSSL's libcrypto, through Digests).
                "Digests",
            ]
        ),
        // What a demo host links: the demo model, cell mode and the catalog a host answers `lesson` with. No
        // renderer and no Markdown: a cell's process, and every `spawn` child of a demo, start as a small program.
        .target(
            name: "DemoHosting",
            dependencies: [
                "Multiprocessing", "CLinuxShims",
                // Demo parameters (`args=`, `lesson run --cell pi -- --samples 1000`) and their usage text.
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "LessonRunner",
            dependencies: [
                "CCmarkGFM",
                "DemoHosting",
                "Multiprocessing",
                .product(name: "SystemPackage", package: "swift-system"),
                // SHA-256 for the result cache's keys (OpenSSL's libcrypto, through Digests).
                "Digests",
                .product(name: "SwiftIDEUtils", package: "swift-syntax"),
                .product(name: "SwiftParser", package: "swift-syntax"),
                .product(name: "SwiftSyntax", package: "swift-syntax"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            // The HTML report's default page template, compiled in as bytes (no resource bundle, no Foundation).
            resources: [
                .embedInCode("Rendering/Templates/lesson.mustache"),
                .embedInCode("Rendering/Templates/index.mustache"),
                .embedInCode("Rendering/Templates/live.js"),
            ]
        ),
        // The course's demos; their own sources are compiled in, so lessons show the code that runs.
        .target(
            name: "Demos",
            dependencies: [
                "DemoHosting", "Multiprocessing", "MultiprocessingManagers",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            plugins: ["EmbedDemoSources"]
        ),
        // A build plugin and its tool: a module's Swift sources as string literals in that module.
        .executableTarget(name: "embed-demo-sources"),
        .plugin(name: "EmbedDemoSources", capability: .buildTool(), dependencies: ["embed-demo-sources"]),
        // `lesson serve`: the course as live pages over HTTP.
        .target(
            name: "LessonServer",
            dependencies: [
                "LessonRunner",
                "Digests",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "LessonCommandLine",
            dependencies: [
                "LessonRunner",
                "LessonServer",
                "Multiprocessing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The tool: parses, runs (in a demo host), checks and renders. It holds no demos; it runs `lesson-demos`
        // beside it unless told otherwise (--demos, LESSON_DEMOS).
        .executableTarget(name: "lesson", dependencies: ["LessonCommandLine"]),
        .executableTarget(name: "lesson-demos", dependencies: ["DemoHosting", "Demos"]),

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
                "BenchmarkSupport", "LessonRunner", "Multiprocessing",
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
            ],
            exclude: ["Conformance/README.md"]
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
            dependencies: ["LessonRunner", "LessonTestSupport", "lesson-fixtures", "lesson-demos"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "LessonServerTests",
            dependencies: ["LessonServer", "LessonRunner", "LessonTestSupport", "lesson", "lesson-demos", "lesson-fixtures"]
        ),
        .testTarget(
            name: "LessonCommandLineTests",
            dependencies: ["LessonCommandLine", "LessonTestSupport", "lesson", "lesson-demos", "lesson-fixtures"],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "DigestsTests", dependencies: ["Digests"]),
    ]
)

// MARK: Fuzzing

// libFuzzer targets for what reads input other people write or send (`Fuzz/`, run by `scripts/fuzz`). They exist
// only when LESSONRUNNER_FUZZ=1, which `scripts/fuzz` sets for its own scratch path (`.build-fuzz`): the normal
// build neither sees them nor needs the sanitizers. In that build this package's own modules are compiled with
// libFuzzer's coverage and AddressSanitizer; dependencies (swift-syntax, …) are not, which keeps the build short.
if Context.environment["LESSONRUNNER_FUZZ"] == "1" {
    let instrumented: Set<String> = [
        "CLinuxShims", "Multiprocessing", "MultiprocessingManagers", "DemoHosting", "LessonRunner", "FuzzSupport",
    ]
    for target in package.targets where instrumented.contains(target.name) {
        if target.name == "CLinuxShims" {
            target.cSettings = (target.cSettings ?? []) + [.unsafeFlags(["-fsanitize=fuzzer-no-link,address"])]
        } else {
            target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(["-sanitize=fuzzer,address"])]
        }
    }
    // What every fuzz target shares: handing its body to libFuzzer's driver.
    package.targets.append(.target(
        name: "FuzzSupport", dependencies: ["CLinuxShims"], path: "Fuzz/FuzzSupport",
        swiftSettings: [.unsafeFlags(["-sanitize=fuzzer,address"])]))
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("fuzz-lesson-parser", ["LessonRunner"]),
        ("fuzz-output-matcher", ["LessonRunner"]),
        ("fuzz-lesson-accept", ["LessonRunner"]),
        ("fuzz-wire-decoder", ["Multiprocessing"]),
        ("fuzz-manager-protocol", ["Multiprocessing", "MultiprocessingManagers"]),
    ]
    for (name, dependencies) in fuzzTargets {
        package.targets.append(.executableTarget(
            name: name, dependencies: dependencies + ["FuzzSupport"], path: "Fuzz/\(name)",
            swiftSettings: [.unsafeFlags(["-sanitize=fuzzer,address"])],
            linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address"])]))
        package.products.append(.executable(name: name, targets: [name]))
    }
}
