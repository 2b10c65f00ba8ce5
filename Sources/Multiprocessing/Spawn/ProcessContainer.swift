#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import SystemPackage

/// A child and every process it starts, ended together.
///
/// ```swift
/// let container = try ProcessContainer.spawn(SpawnConfiguration(executable: "/bin/sh", arguments: ["-c", script]))
/// // … the root may fork, daemonize, call setsid …
/// let teardown = try container.terminateAll(grace: .seconds(1))
/// // No process the root started is left, and none is a zombie.
/// ```
///
/// ## Membership
///
/// The container holds the root, the root's descendants, and the orphans this process adopted as a child
/// subreaper (see ``Subreaper``) that belong to the container, with their descendants. An orphan belongs to the
/// container if its environment carries the container's token (``environmentKey``), which every descendant
/// inherits unless it replaces its environment, or if the container saw it earlier as one of its members (same
/// pid and start time). An adopted orphan that matches no container (it cleared its environment before the
/// container ever saw it, or its environment is unreadable, as after a set-user-ID `exec`) is attributed to no
/// container: no container signals it, but ``Subreaper/reapAdoptedZombies()``, which every teardown calls,
/// reaps it once it exits. Processes that another container holds are never signalled, as their token differs.
///
/// Every process found by scanning `/proc` is signalled through a pidfd opened after checking that the pid still
/// names the process that was scanned (same start time), so a reused pid is never signalled.
///
/// ## Containment by the kernel
///
/// Spawned with ``Containment/pidNamespace``, the root is process 1 of a PID namespace of its own and dies with
/// the thread that spawned it (``SpawnConfiguration/newPIDNamespace``). Then the kernel holds the container
/// together: when the root exits or is killed, every process of the namespace is killed, even those that left
/// the session, and even when this process was killed with `SIGKILL` and never ran its teardown. A teardown after
/// the root exited has nothing left to find, so it scans nothing. Where the kernel refuses namespaces, the
/// container falls back to ``Containment/processTable`` and says why in ``namespaceFallbackReason``.
public final class ProcessContainer: Sendable {
    /// How a container holds its processes together.
    public enum Containment: Sendable, Equatable {
        /// The root is process 1 of a PID namespace of its own that dies with the spawning thread: the kernel
        /// ends every member when the root ends, whatever ended this process.
        case pidNamespace
        /// Members are found by scanning `/proc` (descendants, and adopted orphans that carry the token) and
        /// ended by this process's teardown; they survive this process if it is killed before its teardown.
        case processTable
    }

    /// The environment variable that carries the container's token into the root and its descendants.
    public static let environmentKey = "MULTIPROCESSING_CONTAINER"

    /// The process the container was spawned with. It leads its own process group (or session).
    public let root: ChildProcess
    /// The unique token in ``environmentKey``: `<our pid>-<counter>-<random>`.
    public let token: String

    /// Members seen so far, by pid, with their start times: an orphan that dropped the token is still
    /// recognised.
    private let known = ForkSafeMutex<[Int32: UInt64]>([:])

    /// How this container holds its processes: ``Containment/pidNamespace`` unless it was not asked for or the
    /// kernel refused it.
    public let containment: Containment

    /// Whether ``terminateAll(grace:)`` has completed once.
    private let tornDown = Atomic<Bool>(false)

    private static let counter = Atomic<Int>(0)
    /// Why the kernel refused a namespace, once it did: later spawns do not ask again.
    private static let fallbackReason = ForkSafeMutex<String?>(nil)

    /// Why containers asked for ``Containment/pidNamespace`` got ``Containment/processTable`` in this process,
    /// or `nil` if none had to fall back.
    public static var namespaceFallbackReason: String? { fallbackReason.withLock { $0 } }

    private init(root: ChildProcess, token: String, containment: Containment) {
        self.root = root
        self.token = token
        self.containment = containment
    }

    /// Spawns the root with `configuration`, with the container's token added to its environment, and in a new
    /// process group if `configuration` asked for ``ProcessGroupPolicy/inherit``.
    ///
    /// With ``Containment/pidNamespace`` the root starts in a PID namespace of its own; if the kernel refuses
    /// (``SpawnError/Code/namespaceUnavailable``), this and every later spawn of this process use
    /// ``Containment/processTable`` instead, and ``namespaceFallbackReason`` says why. With
    /// ``Containment/processTable`` this process becomes a child subreaper first.
    ///
    /// - Throws: ``SpawnError`` as ``ChildProcess/spawn(_:)`` and ``Subreaper/enable()``.
    ///
    /// The corresponding C functions are `clone` (for a namespace) and `posix_spawn`.
    public static func spawn(
        _ configuration: SpawnConfiguration, containment: Containment = .processTable
    ) throws(SpawnError) -> ProcessContainer {
        try spawn(configuration, containment: containment, outlivingThisThread: false)
    }

    /// Spawns as ``spawn(_:containment:)`` does; with `outlivingThisThread`, from a thread that lives as long as
    /// this process, so that a root in a namespace (which dies with the thread that spawned it) is not ended
    /// when the calling thread exits.
    package static func spawn(
        _ configuration: SpawnConfiguration, containment: Containment, outlivingThisThread: Bool
    ) throws(SpawnError) -> ProcessContainer {
        func start(_ configuration: SpawnConfiguration) throws(SpawnError) -> ChildProcess {
            outlivingThisThread ? try SpawnerThread.spawn(configuration) : try ChildProcess.spawn(configuration)
        }
        let number = counter.wrappingAdd(1, ordering: .relaxed).newValue
        let random = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let token = "\(ProcessID.current)-\(number)-\(random)"
        var configuration = configuration
        configuration.environment[environmentKey] = token
        if configuration.processGroup == .inherit {
            configuration.processGroup = .newGroup
        }
        if containment == .pidNamespace, fallbackReason.withLock({ $0 }) == nil {
            configuration.newPIDNamespace = true
            do {
                return ProcessContainer(root: try start(configuration), token: token, containment: .pidNamespace)
            } catch where error.code == .namespaceUnavailable {
                fallbackReason.withLock { reason in
                    if reason == nil { reason = error.description }
                }
                configuration.newPIDNamespace = false
            }
        }
        try Subreaper.enable()
        return ProcessContainer(root: try start(configuration), token: token, containment: .processTable)
    }

    /// The live processes of the container other than the root: the root's descendants while it lives, plus the
    /// orphans this process adopted that belong to the container, plus their descendants.
    ///
    /// The list is a snapshot: processes may start or end right after it was taken.
    public func strays() -> [ProcessID] {
        members().filter { !$0.isZombie }.map { ProcessID(rawValue: $0.id) }
    }

    /// Every process of the container other than the root, zombies included, from one `/proc` snapshot.
    func members() -> [ProcessStat] {
        members(in: ProcessTable.all())
    }

    /// Every process of the container other than the root, zombies included, in `table`.
    private func members(in table: [ProcessStat]) -> [ProcessStat] {
        var childrenByParent: [Int32: [ProcessStat]] = [:]
        for process in table {
            childrenByParent[process.parent, default: []].append(process)
        }
        let me = getpid()
        let registered = ChildRegistry.snapshot()
        let knownNow = known.withLock { $0 }
        let entry = "\(Self.environmentKey)=\(token)"

        var seeds: [ProcessStat] = []
        // The root's children, while the root is not reaped (so its pid is its own).
        root.withUnreapedID { rootID in
            if let rootStat = table.first(where: { $0.id == rootID }) {
                seeds += (childrenByParent[rootID] ?? []).filter { $0.startTime >= rootStat.startTime }
            }
        }
        // Adopted orphans that belong here.
        for process in childrenByParent[me] ?? [] where !registered.contains(process.id) {
            if knownNow[process.id] == process.startTime
                || (!process.isZombie && ProcessTable.environment(of: process.id, contains: entry) == true) {
                seeds.append(process)
            }
        }
        // Their descendants. A child cannot have started before its parent; that filters out the children of a
        // process that reused a member's pid between two reads.
        var result: [ProcessStat] = []
        var seen: Set<Int32> = []
        var queue = seeds
        while let process = queue.popLast() {
            guard seen.insert(process.id).inserted else { continue }
            result.append(process)
            queue += (childrenByParent[process.id] ?? []).filter { $0.startTime >= process.startTime }
        }
        known.withLock { known in
            for process in result { known[process.id] = process.startTime }
        }
        return result
    }

    /// The common case in one `/proc` scan: the root has exited and left nothing behind. Its children were
    /// reparented to this process when it exited, so one scan after that sees every member there is; and the
    /// same scan shows whether any adopted orphan died unseen and waits to be reaped. Nil when there is more to do.
    private func teardownOfAnEmptyContainer() throws(SpawnError) -> ContainerTeardown? {
        guard let status = try root.poll() else { return nil }
        if containment == .pidNamespace {
            // The root was its namespace's first process: the kernel killed and reaped every other member
            // before the root's exit could be seen.
            tornDown.store(true, ordering: .releasing)
            return ContainerTeardown(rootStatus: status, straysTerminated: 0, straysKilled: 0)
        }
        let table = ProcessTable.all()
        guard members(in: table).isEmpty else { return nil }
        let me = getpid()
        let registered = ChildRegistry.snapshot()
        if table.contains(where: { $0.parent == me && $0.isZombie && !registered.contains($0.id) }) {
            Subreaper.reapAdoptedZombies()
        }
        known.withLock { $0.removeAll() }
        tornDown.store(true, ordering: .releasing)
        return ContainerTeardown(rootStatus: status, straysTerminated: 0, straysKilled: 0)
    }

    /// Ends whatever is left of a container whose ``terminateAll(grace:)`` never completed, as
    /// `terminateAll(grace: .zero)` does: `SIGTERM`, then at once `SIGKILL`, blocking until all is reaped.
    deinit {
        if !tornDown.load(ordering: .acquiring) {
            _ = try? terminateAll(grace: .zero)
        }
    }

    /// Sends `signal` to `process` if the pid still names it (same start time) and it has not exited. Returns
    /// whether the signal was delivered.
    private func signal(_ process: ProcessStat, _ signal: Signal) -> Bool {
        guard case .success(let descriptor) = _pidfdOpen(process.id) else { return false }
        defer { _close(descriptor) }
        guard let now = ProcessTable.stat(of: process.id), now.startTime == process.startTime, !now.isZombie else {
            return false
        }
        if case .success = _pidfdSendSignal(descriptor, signal) { return true }
        return false
    }

    /// Reaps the members that are zombie children of this process.
    private func reapZombies(_ members: [ProcessStat]) {
        let me = getpid()
        for process in members where process.isZombie && process.parent == me {
            ChildRegistry.reapAdoptedZombie(process.id, startTime: process.startTime)
        }
    }

    /// Ends every process in the container and reaps the root and every adopted orphan.
    ///
    /// It sends `SIGTERM` to the root's group (while the root is not reaped), the root and every stray; waits
    /// up to `grace` for all of them to exit (strays that appear meanwhile get `SIGTERM` too); then sends
    /// `SIGKILL` to whatever is left, again and again until nothing is left, since a process may fork while it
    /// is being killed. Zombies it leaves are reaped, with ``Subreaper/reapAdoptedZombies()`` as a final sweep.
    ///
    /// It may be called after the root has exited on its own: it then ends what the root left behind. Calling it
    /// again returns the root's cached status.
    ///
    /// - Throws: ``SpawnError/Code/teardownIncomplete`` if processes survive `SIGKILL` for 10 seconds (blocked
    ///   in the kernel); ``SpawnError/Code/waitFailed`` if the root cannot be reaped.
    ///
    /// The corresponding C functions are `kill`, `pidfd_send_signal` and `waitpid`.
    @discardableResult
    public func terminateAll(grace: Duration) throws(SpawnError) -> ContainerTeardown {
        if let quiet = try teardownOfAnEmptyContainer() { return quiet }
        let clock = ContinuousClock()
        // Every stray seen alive during the teardown, and those of them still alive when the grace ended.
        var strays: Set<Int32> = []
        var killed: Set<Int32> = []

        // Polite phase. Scanning before signalling also counts the strays that die at once.
        var members = members()
        strays.formUnion(members.lazy.filter { !$0.isZombie }.map(\.id))
        root.sendToGroupWhileUnreaped(.terminate)
        try root.send(.terminate)
        for process in members where !process.isZombie {
            _ = signal(process, .terminate)
        }
        let deadline = clock.now.advanced(by: grace)
        while true {
            reapZombies(members)
            let rootDone = try root.poll() != nil
            members = self.members()
            if rootDone && members.isEmpty { break }
            if clock.now >= deadline { break }
            for process in members where !process.isZombie && strays.insert(process.id).inserted {
                _ = signal(process, .terminate)  // Started during the grace period.
            }
            _sleep(.milliseconds(5))
        }

        // Forceful phase, until a scan finds nothing: a process may fork while it is being killed.
        let killDeadline = clock.now.advanced(by: .seconds(10))
        while true {
            let alive = members.filter { !$0.isZombie }
            killed.formUnion(alive.map(\.id))
            strays.formUnion(alive.map(\.id))
            root.sendToGroupWhileUnreaped(.kill)
            try root.send(.kill)
            for process in alive {
                _ = signal(process, .kill)
            }
            reapZombies(members)
            let rootDone = try root.poll() != nil
            if rootDone && members.isEmpty { break }
            if clock.now >= killDeadline {
                throw SpawnError(.teardownIncomplete, "processes \(members.map(\.id)) of container \(token) "
                                 + "survived SIGKILL")
            }
            _sleep(.milliseconds(1))
            members = self.members()
        }
        Subreaper.reapAdoptedZombies()
        known.withLock { $0.removeAll() }
        tornDown.store(true, ordering: .releasing)
        return ContainerTeardown(
            rootStatus: try root.wait(), straysTerminated: strays.subtracting(killed).count, straysKilled: killed.count
        )
    }
}
