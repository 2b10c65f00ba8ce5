import LessonRunner

/// How `lesson serve` serves a course: what, where, and the limits of what a client can make it spend.
public struct ServeConfiguration: Sendable {
    /// Lesson files and folders, as `render` takes them.
    public var paths: [String]
    /// The address to bind: `127.0.0.1` by default; another host serves other machines (a classroom).
    public var host: String
    /// The port; 0 lets the system choose one.
    public var port: Int
    /// How many cells run at once.
    public var jobs: Int
    /// The demo host that runs the cells.
    public var demoHost: DemoHostExecutable
    /// The access token.
    public var token: AccessToken
    /// Runs waiting for a job beyond which a Run is refused (429).
    public var queueLimit = 256
    /// Event streams open at once beyond which another is refused (503).
    public var eventStreamLimit = 64
    /// Connections open at once beyond which new ones wait in the listen backlog.
    public var connectionLimit = 128
    /// The largest request body (a Run's JSON) accepted (413 beyond).
    public var requestBodyLimit = 64 * 1024
    /// The longest arguments text a Run may carry (400 beyond).
    public var argumentsLimit = 4096
    /// How long a connection may stay silent, sending nothing of its request, before it is closed.
    public var idleTimeout: Duration = .seconds(20)
    /// Bytes of unsent events one event stream may fall behind by before it is closed (its page reconnects and is
    /// sent the state anew).
    public var eventBacklogLimit = 8 << 20
    /// How often an event stream sends a heartbeat comment when it has no event to send then: a page whose connection
    /// died without closing is found out once one cannot be written, and its stream ends (a page that closed its
    /// connection ends its stream at once).
    public var heartbeatInterval: Duration = .seconds(5)
    /// How many bytes of each stream of a run are kept and shown, as `lesson run` keeps.
    public var outputLimit = 1 << 20
    /// How long lesson file changes are gathered before the lessons are loaded again.
    public var debounce: Duration = .milliseconds(100)

    /// A configuration that serves `paths` with `demoHost` on `host`:`port`.
    public init(paths: [String], host: String = "127.0.0.1", port: Int = 8080, jobs: Int, demoHost: DemoHostExecutable,
                token: AccessToken) {
        self.paths = paths
        self.host = host
        self.port = port
        self.jobs = jobs
        self.demoHost = demoHost
        self.token = token
    }
}
