import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// Writes files so that a reader sees the old content or the new, never half of it.
public enum AtomicFile {
    /// Writes `bytes` to a temporary file in the destination's directory, flushes it to disk, and renames it over
    /// `path`. On failure the temporary file is removed and `path` is untouched.
    ///
    /// - Throws: ``FileWriteError`` with the path and the reason.
    public static func write(_ bytes: [UInt8], to path: FilePath) throws(FileWriteError) {
        let directory = path.removingLastComponent()
        let temporaryTemplate = (directory.isEmpty ? FilePath(".") : directory)
            .appending("." + (path.lastComponent?.string ?? "report") + ".XXXXXX").string
        var template = Array(temporaryTemplate.utf8CString)
        let rawDescriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard rawDescriptor >= 0 else { throw FileWriteError(path: path, errno: Errno(rawValue: errno)) }
        _ = fcntl(rawDescriptor, F_SETFD, FD_CLOEXEC)  // The spawn layer closes it in children anyway.
        let temporaryPath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let descriptor = FileDescriptor(rawValue: rawDescriptor)
        do {
            try descriptor.closeAfter {
                _ = try descriptor.writeAll(bytes)
                // mkstemp makes the file 0600; a report is as readable as any file the user creates.
                let mask = umask(0)
                umask(mask)
                guard fchmod(rawDescriptor, 0o666 & ~mask) == 0 else { throw Errno(rawValue: errno) }
                guard fsync(rawDescriptor) == 0 else { throw Errno(rawValue: errno) }
            }
            guard rename(temporaryPath, path.string) == 0 else { throw Errno(rawValue: errno) }
        } catch {
            unlink(temporaryPath)
            throw FileWriteError(path: path, errno: error as? Errno)
        }
    }
}

/// A file could not be written.
public struct FileWriteError: Error, Sendable, CustomStringConvertible {
    /// The file that was to be written.
    public var path: FilePath
    /// What the system said.
    public var errno: Errno?

    public init(path: FilePath, errno: Errno?) {
        self.path = path
        self.errno = errno
    }

    public var description: String {
        "cannot write \(path): " + (errno.map { "\($0)" } ?? "unknown error")
    }
}
