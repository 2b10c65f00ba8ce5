/// What a program does in a process it forked to run as a program of its own (a demo host forks each cell from a
/// warm copy of itself): it forgets the parent's children and fork server, and takes an authentication key of its
/// own, so that the forked process starts as a freshly executed one would.
package enum ForkedProgram {
    /// Call in the forked child, before anything else of `Multiprocessing` runs there.
    package static func startAfresh() {
        ChildTable.resetAfterFork()
        ForkServerClient.resetAfterFork()
        CurrentIdentity.withState { $0.authkey = CurrentIdentity.randomKey() }
    }

    /// Call once in the parent, before it has started any process and before it forks the first child that calls
    /// ``startAfresh()``: it builds the state that ``startAfresh()`` resets, so that every forked child finds it
    /// made. Otherwise each child builds the tables and their locks itself, and with them their generic types'
    /// runtime metadata, which was most of a trivial forked cell's own work.
    package static func prepareForForking() {
        // With no process started yet, resetting forgets nothing: it only makes the state exist.
        ChildTable.resetAfterFork()
        ForkServerClient.resetAfterFork()
        _ = CurrentIdentity.withState { $0.authkey.count }
    }
}
