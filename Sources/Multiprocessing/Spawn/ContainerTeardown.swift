/// What ``ProcessContainer/terminateAll(grace:)`` did.
public struct ContainerTeardown: Sendable, CustomStringConvertible {
    /// How the container's root process ended.
    public var rootStatus: TerminationStatus
    /// Strays (processes of the container other than the root) that ended without needing `SIGKILL`: after
    /// `SIGTERM`, or on their own during the teardown.
    public var straysTerminated: Int
    /// Strays that were still alive when the grace period ended and were sent `SIGKILL`.
    public var straysKilled: Int

    /// Makes a teardown record.
    public init(rootStatus: TerminationStatus, straysTerminated: Int, straysKilled: Int) {
        self.rootStatus = rootStatus
        self.straysTerminated = straysTerminated
        self.straysKilled = straysKilled
    }

    /// Such as `root: killed by SIGTERM, strays: 2 terminated, 1 killed`.
    public var description: String {
        "root: \(rootStatus), strays: \(straysTerminated) terminated, \(straysKilled) killed"
    }
}
