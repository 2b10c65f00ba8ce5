import Synchronization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// A demo host as the `lesson` tool uses it: the executable that runs the cells, and the catalog of its demos.
///
/// The tool asks the host for its ``DemoCatalog`` once (``catalog()``) and again whenever the file at ``path``
/// changes (a `swift build` while a server runs): a change of its device, inode, size or modification time. Cells
/// are spawned by path, so the next cell after a rebuild runs the new executable, never a deleted one.
public final class DemoHostExecutable: Sendable {
    /// Where the host is.
    public let path: FilePath
    /// How long a host may take to answer a catalog query.
    public let queryTimeout: Duration
    private let loaded: Mutex<Loaded?>

    private struct Loaded {
        var catalog: DemoCatalog
        var identity: FileIdentity
    }

    /// The host at `path`; it is asked for its catalog on first use.
    public init(path: FilePath, queryTimeout: Duration = .seconds(10)) {
        self.path = path
        self.queryTimeout = queryTimeout
        loaded = Mutex(nil)
    }

    /// The host at `path` whose catalog is already known: a `lesson` built with its demos inside is its own host.
    /// It is asked again only when the file changes.
    public init(path: FilePath, catalog: DemoCatalog, queryTimeout: Duration = .seconds(10)) {
        self.path = path
        self.queryTimeout = queryTimeout
        loaded = Mutex(FileIdentity(path).map { Loaded(catalog: catalog, identity: $0) })
    }

    /// The catalog of the host as its file is now, asked for again when the file changed since the last call.
    ///
    /// - Throws: ``DemoHostError`` when the host is missing, not executable, not a host, or of another protocol.
    public func catalog() throws(DemoHostError) -> DemoCatalog {
        try current().catalog
    }

    /// The catalog, and whether it was read anew because the file changed (false the first time).
    public func current() throws(DemoHostError) -> (catalog: DemoCatalog, changed: Bool) {
        let identity = FileIdentity(path)
        let known = loaded.withLock { $0 }
        if let known, known.identity == identity { return (known.catalog, false) }
        let hadOne = known != nil
        let catalog = try Self.query(path, timeout: queryTimeout)
        // The identity from before the query: a rebuild that lands during it is seen at the next call.
        if let identity { loaded.withLock { $0 = Loaded(catalog: catalog, identity: identity) } }
        return (catalog, hadOne)
    }

    /// A runner whose cells run in this host.
    public func executor(outputLimit: Int = 1 << 20, terminationGrace: Duration = .milliseconds(500)) -> CellExecutor {
        CellExecutor(executable: path, outputLimit: outputLimit, terminationGrace: terminationGrace)
    }

    /// Asks the executable at `path` for its catalog: runs it with ``DemoHostReply/queryVariable`` set, reads what
    /// it writes, and ends it (and anything it started) after `timeout`.
    public static func query(_ path: FilePath, timeout: Duration = .seconds(10)) throws(DemoHostError) -> DemoCatalog {
        var status = stat()
        guard stat(path.string, &status) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { throw DemoHostError(.missing, path: path) }
            throw DemoHostError(.notExecutable, path: path, detail: String(cString: strerror(errno)))
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw DemoHostError(.notExecutable, path: path, detail: "not a regular file")
        }
        guard access(path.string, X_OK) == 0 else {
            throw DemoHostError(.notExecutable, path: path, detail: "no permission to execute it")
        }
        var executor = CellExecutor(
            executable: path, outputLimit: DemoHostReply.payloadLimit + 64, terminationGrace: .milliseconds(200))
        // The query runs none of the course's code, and an executable that is not a host should end as it would
        // anywhere (a namespace's first process ignores the signals it sends itself).
        executor.containment = .processTable
        let configuration = executor.configuration(
            arguments: [], environment: [DemoHostReply.queryVariable: String(DemoHostReply.protocolVersion)])
        let execution = executor.execute(configuration, timeout: timeout)
        if let failure = execution.launchFailure {
            throw DemoHostError(.notExecutable, path: path, detail: failure)
        }
        if execution.timedOut {
            throw DemoHostError(.timedOut, path: path, detail: DurationFormat.short(timeout))
        }
        switch Result(catching: { () throws(DemoHostReply.Failure) in
            try DemoHostReply.decode(execution.output.stdout.bytes)
        }) {
        case .success(let catalog):
            guard execution.termination == .exited(0) else {
                throw DemoHostError(.notAHost, path: path, detail: ending(of: execution))
            }
            return catalog
        case .failure(.notAHost):
            throw DemoHostError(.notAHost, path: path, detail: ending(of: execution))
        case .failure(.protocolVersion(let version)):
            throw DemoHostError(.protocolVersion(version), path: path)
        case .failure(.malformed(let reason)):
            throw DemoHostError(.malformed, path: path, detail: reason)
        }
    }

    /// How a process that gave no catalog ended, with the first line of what it printed to stderr.
    private static func ending(of execution: DemoExecution) -> String {
        var text: String
        switch execution.termination {
        case .exited(let code)?: text = "exited with \(code) and printed no catalog"
        case .signaled(let signal)?: text = "was killed by \(signal.name)"
        case nil: text = "ended"
        }
        let firstLine = execution.output.stderr.text.split(separator: "\n").first.map(String.init) ?? ""
        if !firstLine.isEmpty { text += " after printing '\(firstLine.prefix(200))'" }
        return text
    }
}

/// What tells one version of a file from the next: a rebuild replaces the file (new inode) or rewrites it (new
/// size or modification time).
struct FileIdentity: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: timespec

    init?(_ path: FilePath) {
        var status = stat()
        guard stat(path.string, &status) == 0 else { return nil }
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
        size = Int64(status.st_size)
        modified = status.st_mtim
    }

    static func == (left: FileIdentity, right: FileIdentity) -> Bool {
        left.device == right.device && left.inode == right.inode && left.size == right.size
            && left.modified.tv_sec == right.modified.tv_sec && left.modified.tv_nsec == right.modified.tv_nsec
    }
}
