import DemoHosting
import Multiprocessing
import Synchronization
import SystemPackage

/// The cell servers of this process: one per demo host and environment, started on a cell's first use and
/// replaced when the host's file changes, so that the next cell after a rebuild runs the new host (the old server
/// finishes the cells it runs, then stops).
enum CellServers {
    private struct Key: Hashable {
        var path: String
        var environment: [String: String]
    }

    private enum Entry {
        case serving(CellServerConnection)
        /// The host at this version of its file does not serve cells: its cells are executed.
        case declined(FileIdentity?)
    }

    private static let entries = Mutex<[Key: Entry]>([:])

    /// The server for cells started as `configuration` says, started now if need be, with a cell reserved on it
    /// (see ``CellServerConnection/finished()``); nil when this host's cells must be executed instead.
    static func reserve(for configuration: SpawnConfiguration) -> CellServerConnection? {
        let key = Key(path: configuration.executable.string, environment: configuration.environment)
        let identity = FileIdentity(configuration.executable)
        // Launching under the lock keeps two threads from starting two servers; it happens once per host version.
        let (server, retired) = entries.withLock { entries -> (CellServerConnection?, CellServerConnection?) in
            var retired: CellServerConnection?
            switch entries[key] {
            case .serving(let server)? where server.identity == identity:
                if server.reserve() { return (server, nil) }
                retired = server
            case .serving(let server)?:
                retired = server
            case .declined(let declined)? where declined == identity:
                return (nil, nil)
            default:
                break
            }
            guard identity != nil, let server = CellServerConnection.launch(configuration, identity: identity) else {
                entries[key] = .declined(identity)
                return (nil, retired)
            }
            entries[key] = .serving(server)
            return (server.reserve() ? server : nil, retired)
        }
        retired?.retire()
        return server
    }

    /// Forgets `server` after it died, so that the next cell starts another.
    static func discard(_ server: CellServerConnection) {
        entries.withLock { entries in
            for (key, entry) in entries {
                if case .serving(let known) = entry, known === server { entries[key] = nil }
            }
        }
        server.retire()
    }

    /// The server that runs the cells of `configuration`, if one runs.
    static func running(for configuration: SpawnConfiguration) -> CellServerConnection? {
        let key = Key(path: configuration.executable.string, environment: configuration.environment)
        return entries.withLock { entries in
            if case .serving(let server)? = entries[key] { return server }
            return nil
        }
    }

    /// Stops the server of `configuration`, if one runs, once its cells have ended.
    static func stop(for configuration: SpawnConfiguration) {
        let key = Key(path: configuration.executable.string, environment: configuration.environment)
        let server = entries.withLock { entries -> CellServerConnection? in
            defer { entries[key] = nil }
            if case .serving(let server)? = entries[key] { return server }
            return nil
        }
        server?.retire()
    }
}
