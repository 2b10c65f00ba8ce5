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
        try write(bytes, to: path, unlessChangedFrom: nil)
    }

    /// Like ``write(_:to:)``, but leaves `path` alone when its bytes, read right before the rename, are no
    /// longer `original`: someone changed the file since it was read.
    ///
    /// - Throws: ``FileWriteError``; its ``FileWriteError/changedOnDisk`` is true when the file had changed.
    public static func write(
        _ bytes: [UInt8], to path: FilePath, unlessChangedFrom original: [UInt8]?
    ) throws(FileWriteError) {
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
            if let original, (try? LessonFileReader.read(path: path.string)) != original {
                unlink(temporaryPath)
                throw FileWriteError(path: path, errno: nil, changedOnDisk: true)
            }
            guard rename(temporaryPath, path.string) == 0 else { throw Errno(rawValue: errno) }
        } catch let error as FileWriteError {
            throw error
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
    /// Whether the file was left alone because it changed on disk since it was read.
    public var changedOnDisk: Bool

    public init(path: FilePath, errno: Errno?, changedOnDisk: Bool = false) {
        self.path = path
        self.errno = errno
        self.changedOnDisk = changedOnDisk
    }

    public var description: String {
        if changedOnDisk { return "\(path) changed on disk since it was read; it is not overwritten (run again)" }
        return "cannot write \(path): " + (errno.map { "\($0)" } ?? "unknown error")
    }
}
