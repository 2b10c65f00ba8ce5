import LessonRunner
import SystemPackage

/// Finds the LessonRunner checkout that a `lesson` executable was built from, which a new course depends on unless
/// told otherwise.
enum LessonRunnerCheckout {
    /// The first folder, walking up from each of `starts` in turn, that holds LessonRunner's `Package.swift`.
    ///
    /// `lesson` passes its own executable (`CHECKOUT/.build/…/lesson`) first, then the source file it was
    /// compiled from (`#filePath`), so that a copy of the executable elsewhere still finds its checkout.
    static func locate(from starts: [FilePath]) -> FilePath? {
        for start in starts where start.isAbsolute {
            var folder = start.lexicallyNormalized()
            while !folder.isEmpty {
                if isCheckout(folder) { return folder }
                guard folder.removeLastComponent() else { break }
            }
        }
        return nil
    }

    /// The source file this type was compiled from: inside the checkout unless the sources moved since.
    static let sourceFile = FilePath(#filePath)

    /// Whether `folder` holds a `Package.swift` whose package is named LessonRunner.
    static func isCheckout(_ folder: FilePath) -> Bool {
        guard let manifest = try? LessonFileReader.read(path: folder.appending("Package.swift").string) else {
            return false
        }
        return String(decoding: manifest, as: UTF8.self).contains("name: \"LessonRunner\"")
    }
}
