import SystemPackage

/// Why starting, signalling, waiting for or tearing down a child process failed.
///
/// ```swift
/// do {
///     _ = try ChildProcess.spawn(SpawnConfiguration(executable: "/no/such/program"))
/// } catch {
///     error.code == .spawnFailed        // true
///     error.underlyingError == .noSuchFileOrDirectory   // true
/// }
/// ```
public struct SpawnError: Error, Sendable, CustomStringConvertible {
    /// What kind of operation failed. New codes may be added; switch with a `default` case.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Storage: Hashable, Sendable {
            case invalidConfiguration, spawnFailed, pipeFailed, processDescriptorFailed, signalFailed, waitFailed
            case noProcessGroup, subreaperFailed, teardownIncomplete, namespaceUnavailable
        }

        private let storage: Storage

        private init(_ storage: Storage) {
            self.storage = storage
        }

        /// The configuration cannot be expressed to the kernel, such as an argument containing a NUL byte.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// `posix_spawn` failed, for example because the executable does not exist (`ENOENT`) or is not
        /// executable (`EACCES`).
        public static let spawnFailed = Code(.spawnFailed)
        /// A pipe for standard input, output or error could not be made.
        public static let pipeFailed = Code(.pipeFailed)
        /// The process file descriptor (pidfd) of a new child could not be opened.
        public static let processDescriptorFailed = Code(.processDescriptorFailed)
        /// Sending a signal failed for another reason than the process having exited.
        public static let signalFailed = Code(.signalFailed)
        /// Waiting for or reaping the child failed, for example because other code reaped it (`ECHILD`).
        public static let waitFailed = Code(.waitFailed)
        /// A signal was to be sent to a process group, but the child does not lead one.
        public static let noProcessGroup = Code(.noProcessGroup)
        /// This process could not be made a child subreaper.
        public static let subreaperFailed = Code(.subreaperFailed)
        /// Some processes of a container were still alive after repeated `SIGKILL`s, for example because they
        /// are blocked in the kernel.
        public static let teardownIncomplete = Code(.teardownIncomplete)
        /// The kernel refused a PID namespace for the child (``SpawnConfiguration/newPIDNamespace``), or its
        /// `/proc` could not be mounted, as in a container without namespaces; spawning without one may work.
        public static let namespaceUnavailable = Code(.namespaceUnavailable)

        /// A short name for the code, such as `spawnFailed`.
        public var description: String {
            switch storage {
            case .invalidConfiguration: "invalidConfiguration"
            case .spawnFailed: "spawnFailed"
            case .pipeFailed: "pipeFailed"
            case .processDescriptorFailed: "processDescriptorFailed"
            case .signalFailed: "signalFailed"
            case .waitFailed: "waitFailed"
            case .noProcessGroup: "noProcessGroup"
            case .subreaperFailed: "subreaperFailed"
            case .teardownIncomplete: "teardownIncomplete"
            case .namespaceUnavailable: "namespaceUnavailable"
            }
        }
    }

    /// What kind of operation failed.
    public var code: Code
    /// The system error behind the failure, if there is one.
    public var underlyingError: Errno?
    /// What was being done, such as `cannot spawn /bin/nope`.
    public var message: String

    /// Makes an error.
    public init(_ code: Code, _ message: String, underlyingError: Errno? = nil) {
        self.code = code
        self.message = message
        self.underlyingError = underlyingError
    }

    /// The message followed by the system error, such as `cannot spawn /bin/nope: No such file or directory`.
    public var description: String {
        if let underlyingError {
            return "\(message): \(underlyingError) (errno \(underlyingError.rawValue))"
        }
        return message
    }
}
