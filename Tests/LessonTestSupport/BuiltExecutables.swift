import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// The executables `swift build --build-tests` puts beside the test runner.
///
/// Under `swift test` the running executable is the test runner, which holds no demos, so tests re-execute these.
public enum BuiltExecutables {
    /// The folder that holds the test runner and the package's executables.
    public static var productsFolder: FilePath {
        var buffer = [CChar](repeating: 0, count: 4097)
        let length = readlink("/proc/self/exe", &buffer, 4096)
        precondition(length > 0, "cannot read /proc/self/exe")
        let runner = FilePath(String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self))
        return runner.removingLastComponent()
    }

    /// `lesson`: the tool, which runs its cells in `lesson-demos` beside it.
    public static var lesson: FilePath { productsFolder.appending("lesson") }

    /// `lesson-demos`: the demo host of this package's course.
    public static var demoHost: FilePath { productsFolder.appending("lesson-demos") }

    /// `lesson-fixtures`: a `lesson` built with its demos inside (its own demo host): the built-in demos plus demos
    /// that misbehave on purpose.
    public static var fixtures: FilePath { productsFolder.appending("lesson-fixtures") }

    /// The package's root folder (it holds `Lessons/`).
    public static var packageRoot: FilePath {
        // .build/<triple>/debug/<runner> → the folder that holds .build
        var folder = productsFolder
        while let last = folder.lastComponent, last.string != ".build" {
            folder.removeLastComponent()
            if folder.isEmpty || folder == "/" { break }
        }
        return folder.removingLastComponent()
    }
}
