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
}
