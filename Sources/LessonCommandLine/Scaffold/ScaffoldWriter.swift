import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// Writes a generated package's files into a folder: never over an existing file, each file whole or not at all,
/// and nothing left behind when a write fails.
///
/// Each file is written to a temporary file beside it, flushed, and then *linked* to its name, which fails if the
/// name exists, so even a file created by someone else meanwhile is never replaced. When a write fails, the files and
/// folders this writer created are removed again before the error is thrown.
public struct ScaffoldWriter: Sendable {
    /// What became of one file.
    public enum Outcome: Sendable, Equatable {
        /// The file was written.
        case written
        /// A file of that name existed and was kept as it was (with `force` only).
        case kept
    }

    /// One file's path and outcome.
    public struct WrittenFile: Sendable, Equatable {
        /// The file's path: the folder as given, then the file's relative path.
        public var path: FilePath
        /// Whether it was written or kept.
        public var outcome: Outcome
    }

    /// The folder to write into; created, with its parents, if missing. An empty path is the working directory.
    public var folder: FilePath
    /// Whether a folder that is not empty may be written into. Existing files are kept either way.
    public var force: Bool

    /// A writer into `folder`; with `force`, a folder that is not empty is written into too.
    public init(folder: FilePath, force: Bool) {
        self.folder = folder.isEmpty ? "." : folder
        self.force = force
    }

    /// Names an existing folder may hold and still count as empty: a fresh `git init`'s.
    static let ignoredEntries: Set<String> = [".git"]

    /// Writes `files` below ``folder``.
    ///
    /// - Returns: Each file's path and whether it was written or kept, in the order of `files`.
    /// - Throws: ``CourseScaffoldError``: `notAFolder` when the path is a file; `folderNotEmpty` when the folder
    ///   holds anything but `.git` and ``force`` is false; `cannotWrite` with the path and the system's reason.
    public func write(_ files: [ScaffoldFile]) throws(CourseScaffoldError) -> [WrittenFile] {
        var created = CreatedPaths()
        do {
            try prepareFolder(&created)
            var results: [WrittenFile] = []
            for file in files {
                let path = folder.appending(file.path)
                try createFolders(path.removingLastComponent(), &created)
                let written = try writeNew(file, to: path)
                if written { created.files.append(path) }
                results.append(WrittenFile(path: path, outcome: written ? .written : .kept))
            }
            return results
        } catch {
            created.remove()
            throw error
        }
    }

    /// Creates the folder, or checks that an existing one may be written into.
    private func prepareFolder(_ created: inout CreatedPaths) throws(CourseScaffoldError) {
        var status = stat()
        guard stat(folder.string, &status) == 0 else {
            let code = errno
            guard code == ENOENT else { throw cannotWrite(folder, "cannot use the folder \(folder)", code) }
            try createFolders(folder, &created)
            return
        }
        guard (status.st_mode & S_IFMT) == S_IFDIR else {
            throw CourseScaffoldError(.notAFolder, path: folder, "\(folder) exists and is not a folder")
        }
        let entries = try entries(of: folder)
        if !force && !entries.isEmpty {
            let shown = entries.sorted().prefix(3).joined(separator: ", ") + (entries.count > 3 ? ", …" : "")
            throw CourseScaffoldError(
                .folderNotEmpty, path: folder,
                "\(folder) is not empty (\(shown)); --force adds the course's files to it and keeps every "
                    + "existing file")
        }
    }

    private func entries(of folder: FilePath) throws(CourseScaffoldError) -> [String] {
        guard let handle = opendir(folder.string) else {
            let code = errno
            throw cannotWrite(folder, "cannot read the folder \(folder)", code)
        }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." && !Self.ignoredEntries.contains(name) { names.append(name) }
        }
        return names
    }

    /// Creates `path` and its missing parents, remembering those it created.
    private func createFolders(_ path: FilePath, _ created: inout CreatedPaths) throws(CourseScaffoldError) {
        guard !path.isEmpty else { return }
        var partial = FilePath(path.root?.string ?? "")
        for component in path.components {
            partial.append(component)
            if mkdir(partial.string, 0o777) == 0 {
                created.folders.append(partial)
            } else {
                let code = errno
                if code != EEXIST { throw cannotWrite(partial, "cannot create the folder \(partial)", code) }
            }
        }
    }

    /// Writes `file` to `path` unless a file of that name exists; returns whether it wrote it.
    private func writeNew(_ file: ScaffoldFile, to path: FilePath) throws(CourseScaffoldError) -> Bool {
        var status = stat()
        if lstat(path.string, &status) == 0 { return false }
        let directory = path.removingLastComponent()
        let temporaryName = "." + (path.lastComponent?.string ?? "file") + ".XXXXXX"
        var template = Array(directory.appending(temporaryName).string.utf8CString)
        let raw = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard raw >= 0 else {
            let code = errno
            throw cannotWrite(path, "cannot write \(path)", code)
        }
        _ = fcntl(raw, F_SETFD, FD_CLOEXEC)
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { unlink(temporary) }
        let descriptor = FileDescriptor(rawValue: raw)
        do {
            try descriptor.closeAfter {
                _ = try descriptor.writeAll(Array(file.contents.utf8))
                let mask = umask(0)
                umask(mask)
                let mode: mode_t = (file.isExecutable ? 0o777 : 0o666) & ~mask
                guard fchmod(raw, mode) == 0 else { throw Errno(rawValue: errno) }
                guard fsync(raw) == 0 else { throw Errno(rawValue: errno) }
            }
        } catch {
            throw CourseScaffoldError(.cannotWrite, path: path, "cannot write \(path)", errno: error as? Errno)
        }
        // link(2) fails with EEXIST rather than replace a file created since the check above.
        guard link(temporary, path.string) == 0 else {
            let code = errno
            if code == EEXIST { return false }
            throw cannotWrite(path, "cannot write \(path)", code)
        }
        return true
    }

    /// An error for a failed call, with the `errno` it set (read right after the call).
    private func cannotWrite(_ path: FilePath, _ message: String, _ code: Int32) -> CourseScaffoldError {
        CourseScaffoldError(.cannotWrite, path: path, message, errno: Errno(rawValue: code))
    }
}

extension FilePath {
    /// The working directory (empty if it cannot be told).
    static var currentDirectory: FilePath {
        guard let path = getcwd(nil, 0) else { return FilePath() }
        defer { free(path) }
        return FilePath(String(cString: path))
    }
}

/// The files and folders a writer created, to remove when a later write fails.
private struct CreatedPaths {
    var folders: [FilePath] = []
    var files: [FilePath] = []

    func remove() {
        for file in files.reversed() { unlink(file.string) }
        for folder in folders.reversed() { rmdir(folder.string) }
    }
}

extension CourseScaffold {
    /// Writes the package's ``files`` into `folder` with a ``ScaffoldWriter``.
    ///
    /// - Throws: ``CourseScaffoldError``; also `invalidName` when the folder's name is LessonRunner's identity, as
    ///   SwiftPM cannot tell two packages of the same name apart.
    public func write(into folder: FilePath, force: Bool) throws(CourseScaffoldError) -> [ScaffoldWriter.WrittenFile] {
        if let last = FilePath.currentDirectory.pushing(folder).lexicallyNormalized().lastComponent?.string,
            last.lowercased() == lessonRunner.identity.lowercased()
        {
            throw CourseScaffoldError(
                .invalidName, path: folder,
                "\(folder) has the name of the LessonRunner package it depends on ('\(lessonRunner.identity)'); "
                    + "SwiftPM needs two names: choose another folder")
        }
        return try ScaffoldWriter(folder: folder, force: force).write(files)
    }
}
