import ArgumentParser
import LessonRunner
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// Where `render` writes reports: standard output, one file, or a folder mirroring the lessons' paths.
struct ReportDestination {
    enum Place {
        case standardOutput
        case file(FilePath)
        case folder(FilePath)
    }

    var place: Place
    /// The extension reports take in a folder instead of the lessons' `.md` (`html`); nil keeps `.md`.
    var fileExtension: String?

    /// Chooses the destination from `-o` and the lessons; several lessons need a folder.
    init(output: String?, lessons: [LessonFile], fileExtension: String? = nil) throws {
        self.fileExtension = fileExtension
        guard let output else {
            guard lessons.count == 1, lessons[0].root == nil else {
                throw ValidationError("several lessons need an output folder: add -o FOLDER")
            }
            place = .standardOutput
            return
        }
        var status = stat()
        let isFolder = output.hasSuffix("/") || (stat(output, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR)
        if isFolder || lessons.count > 1 || lessons.contains(where: { $0.root != nil }) {
            place = .folder(FilePath(output))
        } else {
            place = .file(FilePath(output))
        }
    }

    /// Whether reports go into a folder, which then gets an index page (HTML).
    var hasIndex: Bool {
        if case .folder = place { return true }
        return false
    }

    /// The report's path below the output folder: the lesson's relative path, with ``fileExtension``.
    func reportRelativePath(for lesson: LessonFile) -> String {
        var path = FilePath(lesson.relativePath)
        if let fileExtension { path.extension = fileExtension }
        return path.string
    }

    /// The address of the folder's index page, relative to the lesson's report; nil without a folder.
    func indexHref(for lesson: LessonFile) -> String? {
        guard hasIndex else { return nil }
        let depth = FilePath(reportRelativePath(for: lesson)).components.count - 1
        return String(repeating: "../", count: depth) + "index.html"
    }

    /// The address of `target`'s report, relative to `lesson`'s report; nil without a folder.
    func reportHref(for target: LessonFile, from lesson: LessonFile) -> String? {
        guard hasIndex else { return nil }
        let from = Array(FilePath(reportRelativePath(for: lesson)).components.dropLast())
        let to = Array(FilePath(reportRelativePath(for: target)).components)
        var shared = 0
        while shared < from.count, shared < to.count - 1, from[shared] == to[shared] { shared += 1 }
        let up = String(repeating: "../", count: from.count - shared)
        return up + to[shared...].map(\.string).joined(separator: "/")
    }

    /// Writes one lesson's report, creating folders as needed.
    func write(_ report: [UInt8], for lesson: LessonFile) throws {
        switch place {
        case .standardOutput:
            Terminal.standardOutput.write(report)
        case .file(let path):
            try Self.createFolders(path.removingLastComponent())
            try AtomicFile.write(report, to: path)
        case .folder(let folder):
            let path = folder.appending(reportRelativePath(for: lesson))
            try Self.createFolders(path.removingLastComponent())
            try AtomicFile.write(report, to: path)
        }
    }

    /// Writes the folder's `index.html`; does nothing without a folder.
    func writeIndex(_ index: [UInt8]) throws {
        guard case .folder(let folder) = place else { return }
        try Self.createFolders(folder)
        try AtomicFile.write(index, to: folder.appending("index.html"))
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
