/// Which process group and session a spawned child joins.
///
/// A child in its own group can be signalled together with everything it starts that stays in the group
/// (``ChildProcess/sendToGroup(_:)``); a new session also detaches it from the controlling terminal.
public enum ProcessGroupPolicy: Sendable {
    /// The child stays in this process's group and session.
    case inherit
    /// The child leads a new process group whose ID is its own (`POSIX_SPAWN_SETPGROUP` with group 0).
    case newGroup
    /// The child leads a new session and a new group, both with its own ID (`POSIX_SPAWN_SETSID`).
    case newSession
}

extension ProcessGroupPolicy {
    /// The value `lx_spawn_contained` takes.
    var containedSpawnValue: Int32 {
        switch self {
        case .inherit: 0
        case .newGroup: 1
        case .newSession: 2
        }
    }
}
