import ArgumentParser
import LessonRunner
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// Where `render` writes reports: standard output, one file, or a folder mirroring the lessons' paths.
enum ReportDestination {
    case standardOutput
    case file(FilePath)
    case folder(FilePath)

    /// Chooses the destination from `-o` and the lessons; several lessons need a folder.
    init(output: String?, lessons: [LessonFile]) throws {
        guard let output else {
            guard lessons.count == 1, lessons[0].root == nil else {
                throw ValidationError("several lessons need an output folder: add -o FOLDER")
            }
            self = .standardOutput
            return
        }
        var status = stat()
        let isFolder = output.hasSuffix("/") || (stat(output, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR)
        if isFolder || lessons.count > 1 || lessons.contains(where: { $0.root != nil }) {
            self = .folder(FilePath(output))
        } else {
            self = .file(FilePath(output))
        }
    }

    /// Writes one lesson's report, creating folders as needed.
    func write(_ report: [UInt8], for lesson: LessonFile) throws {
        switch self {
        case .standardOutput:
            Terminal.standardOutput.write(report)
        case .file(let path):
            try Self.createFolders(path.removingLastComponent())
            try AtomicFile.write(report, to: path)
        case .folder(let folder):
            let path = folder.appending(lesson.relativePath)
            try Self.createFolders(path.removingLastComponent())
            try AtomicFile.write(report, to: path)
        }
    }

    private static func createFolders(_ path: FilePath) throws {
        guard !path.isEmpty else { return }
        var partial = FilePath(path.root?.string ?? "")
        for component in path.components {
            partial.append(component)
            if mkdir(partial.string, 0o777) != 0 && errno != EEXIST {
                throw FileWriteError(path: partial, errno: Errno(rawValue: errno))
            }
        }
    }
}
