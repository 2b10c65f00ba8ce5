#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims
import SystemPackage

/// Everything ``ChildProcess/spawn(_:)`` needs to start a program.
///
/// ```swift
/// var configuration = SpawnConfiguration(executable: "/bin/sh", arguments: ["-c", "echo hi"])
/// configuration.standardOutput = .pipe
/// configuration.processGroup = .newGroup
/// let child = try ChildProcess.spawn(configuration)
/// ```
public struct SpawnConfiguration: Sendable {
    /// The program to run: a path, not searched in `PATH`.
    ///
    /// A relative path is resolved in the child after it changed to ``workingDirectory``.
    public var executable: FilePath
    /// The arguments after `argv[0]`.
    public var arguments: [String]
    /// The child's `argv[0]`; `nil` passes the executable's path.
    public var argument0: String?
    /// The child's complete environment. The default is this process's environment when the configuration
    /// was made.
    public var environment: [String: String]
    /// Whether the child joins this process's group, leads a new group, or leads a new session.
    /// The default is ``ProcessGroupPolicy/inherit``.
    public var processGroup: ProcessGroupPolicy
    /// The child's standard input. The default is ``StandardIO/devNull``.
    public var standardInput: StandardIO
    /// The child's standard output. The default is ``StandardIO/inherit``.
    public var standardOutput: StandardIO
    /// The child's standard error. The default is ``StandardIO/inherit``.
    public var standardError: StandardIO
    /// Descriptors the child receives as 3, 4, 5, … in this order. Every other descriptor from 3 up is closed in
    /// the child, whether or not it was marked close-on-exec here. The caller keeps ownership of these.
    public var inheritedDescriptors: [FileDescriptor]
    /// The directory the child starts in; `nil` keeps this process's current directory.
    public var workingDirectory: FilePath?
    /// Whether the child starts as process 1 of a PID namespace of its own, with its own `/proc`, and dies with the
    /// thread that spawned it (`PR_SET_PDEATHSIG` with `SIGKILL`). When it exits or is killed, the kernel kills
    /// every process it started, wherever they went (another session, a double fork), even after this process
    /// was killed. The child sees itself as process 1, and as the first process of its namespace it only
    /// receives the signals it has a handler for (except `SIGKILL` and `SIGSTOP` from outside). A process that is
    /// not privileged gets a user namespace too, mapping only its own user and group. The default is `false`.
    ///
    /// Spawning throws ``SpawnError/Code/namespaceUnavailable`` where the kernel refuses (a container without
    /// namespaces); spawning again without it may then work.
    public var newPIDNamespace: Bool

    /// With ``newPIDNamespace`` in a process that is not root (which gives the child a user namespace too):
    /// whether the child is root in its user namespace, so that it keeps its capabilities there after `exec`
    /// (a program that makes namespaces of its own), rather than this process's user.
    package var rootOfItsUserNamespace = false

    /// A configuration that runs `executable` with `arguments` and this process's environment, with standard
    /// input from `/dev/null` and standard output and error shared with this process.
    public init(executable: FilePath, arguments: [String] = []) {
        self.executable = executable
        self.arguments = arguments
        self.argument0 = nil
        self.environment = Self.currentEnvironment()
        self.processGroup = .inherit
        self.standardInput = .devNull
        self.standardOutput = .inherit
        self.standardError = .inherit
        self.inheritedDescriptors = []
        self.workingDirectory = nil
        self.newPIDNamespace = false
    }

    /// This process's environment as a dictionary; for a name given twice, the first entry wins, as `getenv`.
    static func currentEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        guard var entry = lx_environ() else { return result }
        while let pointer = entry.pointee {
            let text = String(decoding: UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)), as: UTF8.self)
            if let equals = text.firstIndex(of: "=") {
                let name = String(text[..<equals])
                if result[name] == nil {
                    result[name] = String(text[text.index(after: equals)...])
                }
            }
            entry += 1
        }
        return result
    }
}
