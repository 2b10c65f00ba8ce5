import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// Finds the lesson files that command-line paths name.
public enum LessonFiles {
    /// The lessons under `paths`: a file stands for itself; a folder for every `.md` file below it, sorted by path,
    /// skipping hidden entries. A path that does not exist is an error at `PATH:1:1`.
    ///
    /// - Returns: Pairs of the lesson's path and the folder argument it was found under (nil for a file argument),
    ///   which names the report's place in an output folder.
    public static func collect(_ paths: [String]) throws(LessonError) -> [LessonFile] {
        var files: [LessonFile] = []
        var diagnostics: [LessonDiagnostic] = []
        for path in paths {
            var status = stat()
            guard stat(path, &status) == 0 else {
                let reason = Errno(rawValue: errno)
                diagnostics.append(LessonDiagnostic(
                    at: SourceLocation(file: path, line: 1, column: 1), "cannot read lesson path: \(reason)"))
                continue
            }
            if (status.st_mode & S_IFMT) == S_IFDIR {
                var found: [String] = []
                walk(path, into: &found)
                files += found.sorted().map { LessonFile(path: $0, root: path) }
            } else {
                files.append(LessonFile(path: path, root: nil))
            }
        }
        if !diagnostics.isEmpty { throw LessonError(diagnostics) }
        return files
    }

    private static func walk(_ directory: String, into found: inout [String]) {
        guard let handle = opendir(directory) else { return }
        defer { closedir(handle) }
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasPrefix(".") { continue }
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            var status = stat()
            guard stat(path, &status) == 0 else { continue }
            if (status.st_mode & S_IFMT) == S_IFDIR {
                walk(path, into: &found)
            } else if name.hasSuffix(".md") {
                found.append(path)
            }
        }
    }
}

/// A lesson file found on the command line.
public struct LessonFile: Hashable, Sendable {
    /// The file's path.
    public var path: String
    /// The folder argument it was found under, or nil when it was named itself.
    public var root: String?

    /// The path below `root` (the file name when there is no root): where its report goes in an output folder.
    public var relativePath: String {
        guard let root else { return FilePath(path).lastComponent?.string ?? path }
        var relative = path.dropFirst(root.count)
        while relative.hasPrefix("/") { relative = relative.dropFirst() }
        return String(relative)
    }
}
