import DemoHosting
import Multiprocessing
import Synchronization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// The cell servers of this process: one per demo host and environment, started on a cell's first use and
/// replaced when the host's file changes, so that the next cell after a rebuild runs the new host (the old server
/// finishes the cells it runs, then stops).
enum CellServers {
    private struct Key: Hashable {
        var path: String
        var environment: [String: String]

        init(_ configuration: SpawnConfiguration) {
            path = configuration.executable.string
            environment = configuration.environment
        }
    }

    private enum Entry {
        /// The servers of this host; one per cell running at the same time, so that forks run side by side.
        case serving([CellServerConnection])
        /// The host at this version of its file does not serve cells: its cells are executed.
        case declined(FileIdentity?)
    }

    private static let entries = Mutex<[Key: Entry]>([:])
    private static let exitHookInstalled = Atomic<Bool>(false)

    /// The most servers one host gets: as many cells as run at the same time, up to this.
    static let serversPerHost = 8

    /// A server for cells started as `configuration` says, with a cell reserved on it (see
    /// ``CellServerConnection/finished()``): an idle one, else a new one, started now; nil when this host's cells
    /// must be executed instead.
    static func reserve(for configuration: SpawnConfiguration) -> CellServerConnection? {
        let key = Key(configuration)
        let identity = FileIdentity(configuration.executable)
        // Launching under the lock keeps threads from starting more servers than cells; it is rare.
        let (server, retired) = entries.withLock { entries -> (CellServerConnection?, [CellServerConnection]) in
            var current: [CellServerConnection] = []
            var retired: [CellServerConnection] = []
            switch entries[key] {
            case .serving(let servers)?:
                for server in servers {
                    if server.identity == identity { current.append(server) } else { retired.append(server) }
                }
                if let idle = current.first(where: { $0.reserve(onlyIfIdle: true) }) {
                    entries[key] = .serving(current)
                    return (idle, retired)
                }
            case .declined(let declined)? where declined == identity:
                return (nil, [])
            default:
                break
            }
            if current.count >= serversPerHost {
                entries[key] = .serving(current)
                return (current.first { $0.reserve(onlyIfIdle: false) }, retired)
            }
            installExitHook()
            guard identity != nil, let server = CellServerConnection.launch(configuration, identity: identity) else {
                entries[key] = current.isEmpty ? .declined(identity) : .serving(current)
                return (current.first { $0.reserve(onlyIfIdle: false) }, retired)
            }
            entries[key] = .serving(current + [server])
            return (server.reserve(onlyIfIdle: false) ? server : nil, retired)
        }
        retired.forEach { $0.retire() }
        return server
    }

    /// At exit, every server is stopped and reaped: left to stop on their own when this process's sockets
    /// close, they would end as zombies of whatever process adopts them.
    private static func installExitHook() {
        guard !exitHookInstalled.exchange(true, ordering: .acquiringAndReleasing) else { return }
        atexit { CellServers.stopAll() }
    }

    /// Stops every server now, and the cells they run with them. At exit another thread may hold the lock (a
    /// launch interrupted by Control-C): then the servers are left to stop when this process's sockets close.
    static func stopAll() {
        let servers = entries.withLockIfAvailable { entries -> [CellServerConnection] in
            defer { entries = [:] }
            return entries.values.flatMap { entry -> [CellServerConnection] in
                if case .serving(let servers) = entry { return servers }
                return []
            }
        }
        servers?.forEach { $0.shutDown() }
    }

    /// Forgets `server` after it died, so that the next cell starts another.
    static func discard(_ server: CellServerConnection) {
        entries.withLock { entries in
            for (key, entry) in entries {
                if case .serving(let servers) = entry, servers.contains(where: { $0 === server }) {
                    entries[key] = .serving(servers.filter { $0 !== server })
                }
            }
        }
        server.retire()
    }

    /// The process ids of the servers that run the cells of `configuration`.
    static func running(for configuration: SpawnConfiguration) -> [Int32] {
        let key = Key(configuration)
        return entries.withLock { entries in
            if case .serving(let servers)? = entries[key] { return servers.map(\.processID) }
            return []
        }
    }

    /// Stops the servers of `configuration` once their cells have ended.
    static func stop(for configuration: SpawnConfiguration) {
        let key = Key(configuration)
        let servers = entries.withLock { entries -> [CellServerConnection] in
            defer { entries[key] = nil }
            if case .serving(let servers)? = entries[key] { return servers }
            return []
        }
        servers.forEach { $0.retire() }
    }
}
