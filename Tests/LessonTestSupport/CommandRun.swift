import Multiprocessing
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// A finished run of a built executable: its exit and what it printed.
public struct CommandRun: Sendable {
    public var termination: TerminationStatus
    public var standardOutput: String
    public var standardError: String

    public init(termination: TerminationStatus, standardOutput: String, standardError: String) {
        self.termination = termination
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// The exit code, or -1 when a signal ended the process.
    public var exitCode: Int32 {
        if case .exited(let code) = termination { return code }
        return -1
    }

    /// Runs `executable` with `arguments` in `directory`, stdout and stderr into temporary files, and waits for it.
    public static func run(
        _ executable: FilePath, _ arguments: [String], in directory: FilePath? = nil,
        environment: [String: String] = [:]
    ) throws -> CommandRun {
        let output = try TemporaryFile()
        let errors = try TemporaryFile()
        var configuration = SpawnConfiguration(executable: executable, arguments: arguments)
        configuration.standardOutput = .descriptor(output.descriptor)
        configuration.standardError = .descriptor(errors.descriptor)
        configuration.workingDirectory = directory
        configuration.environment.merge(environment) { _, new in new }
        configuration.environment["NO_COLOR"] = "1"
        let child = try ChildProcess.spawn(configuration)
        let termination = try child.wait()
        return CommandRun(
            termination: termination, standardOutput: try output.contents(), standardError: try errors.contents())
    }
}

/// A file in /tmp, removed when the value goes away.
public final class TemporaryFile {
    public let path: String
    public let descriptor: FileDescriptor

    public init() throws {
        var template = Array("/tmp/lessonrunner-test-XXXXXX".utf8CString)
        let raw = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard raw >= 0 else { throw Errno(rawValue: errno) }
        _ = fcntl(raw, F_SETFD, FD_CLOEXEC)
        path = String(nulTerminated: template)
        descriptor = FileDescriptor(rawValue: raw)
    }

    /// The file's whole content, decoded as UTF-8.
    public func contents() throws -> String {
        String(decoding: try TemporaryFile.read(path), as: UTF8.self)
    }

    /// Reads a whole file.
    public static func read(_ path: String) throws -> [UInt8] {
        let descriptor = try FileDescriptor.open(FilePath(path), .readOnly, options: .closeOnExec)
        return try descriptor.closeAfter {
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = try buffer.withUnsafeMutableBytes { try descriptor.read(into: $0) }
                if count == 0 { return bytes }
                bytes += buffer[..<count]
            }
        }
    }

    deinit {
        try? descriptor.close()
        unlink(path)
    }
}

/// A folder in /tmp, removed with everything in it when the value goes away.
public final class TemporaryFolder {
    public let path: FilePath

    public init() throws {
        var template = Array("/tmp/lessonrunner-test-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw Errno(rawValue: errno)
        }
        path = FilePath(String(nulTerminated: template))
    }

    deinit {
        Self.remove(path.string)
    }

    /// Writes `text` to the file `name` in the folder, replacing it.
    public func write(_ name: String, _ text: String) throws {
        let file = try FileDescriptor.open(
            path.appending(name), .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite])
        defer { try? file.close() }
        _ = try file.writeAll(Array(text.utf8))
    }

    private static func remove(_ path: String) {
        if let handle = opendir(path) {
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                    String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                if name == "." || name == ".." { continue }
                let child = path + "/" + name
                if entry.pointee.d_type == UInt8(DT_DIR) { remove(child) } else { unlink(child) }
            }
            closedir(handle)
        }
        rmdir(path)
    }
}

extension String {
    /// The text of a NUL-terminated C string kept in an array.
    init(nulTerminated characters: [CChar]) {
        self.init(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
