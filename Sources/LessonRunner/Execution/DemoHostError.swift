import SystemPackage

/// Why a demo host could not be used: it is missing, cannot be executed, is not a demo host, or speaks another
/// protocol version. Its description names the path and says what to do.
public struct DemoHostError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Equatable {
        /// Nothing is at the path.
        case missing
        /// The path is a folder, or a file without execute permission.
        case notExecutable
        /// Asked for its catalog, it answered with something else, or ended or crashed without answering.
        case notAHost
        /// It is a demo host of another protocol version.
        case protocolVersion(UInt32)
        /// It did not answer within the time allowed.
        case timedOut
        /// Its answer could not be read.
        case malformed
    }

    /// What went wrong.
    public var code: Code
    /// The host's path, as it was given.
    public var path: FilePath
    /// The particulars, such as how the process ended.
    public var detail: String

    /// An error of `code` about the host at `path`.
    public init(_ code: Code, path: FilePath, detail: String = "") {
        self.code = code
        self.path = path
        self.detail = detail
    }

    public var description: String {
        let host = "demo host '\(path)'"
        let suffix = detail.isEmpty ? "" : " (\(detail))"
        let hint = "a demo host is an executable whose main.swift calls DemoHost.main(demos:) first thing"
        switch code {
        case .missing:
            return "\(host) does not exist: build it, or name another with --demos PATH or LESSON_DEMOS"
        case .notExecutable:
            return "\(host) is not an executable file\(suffix)"
        case .notAHost:
            return "'\(path)' is not a demo host: asked for its catalog, it \(detail); \(hint)"
        case .protocolVersion(let version):
            return "\(host) speaks protocol version \(version) and this lesson speaks "
                + "\(DemoHostReply.protocolVersion): build both from the same LessonRunner"
        case .timedOut:
            return "\(host) did not answer within \(detail); \(hint)"
        case .malformed:
            return "\(host) sent a catalog that cannot be read: \(detail)"
        }
    }
}
