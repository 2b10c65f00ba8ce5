#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing

/// Facts about processes, read from /proc, for tests that must leave nothing behind.
public enum ProcessCensus {
    /// Whether a process with this id exists, a zombie included.
    public static func exists(_ pid: Int32) -> Bool { state(of: pid) != nil }

    /// The one-letter state from /proc/PID/stat (R, S, D, Z, …), or nil when there is no such process.
    public static func state(of pid: Int32) -> Character? {
        guard let stat = read("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].first { $0 != " " }
    }

    /// The parent of a process, or nil when there is no such process.
    public static func parent(of pid: Int32) -> Int32? {
        guard let stat = read("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? Int32(fields[1]) : nil
    }

    /// The processes whose parent is `pid`, with their command names (`comm`, at most 15 bytes).
    /// The runner's own processes besides its cells: `runner` and the demo hosts it keeps running to fork cells
    /// from (its children started with `LESSONRUNNER_CELL_SERVER`; the cells they fork are their children, not
    /// the runner's).
    public static func runnerAndCellServers(_ runner: Int32) -> Set<Int32> {
        let entry = Array("LESSONRUNNER_CELL_SERVER=".utf8)
        let servers = children(of: runner).map(\.pid).filter { pid in
            guard let environment = readBytes("/proc/\(pid)/environ") else { return false }
            return environment.split(separator: 0).contains { $0.starts(with: entry) }
        }
        return Set(servers + [runner])
    }

    public static func children(of pid: Int32) -> [(pid: Int32, name: String)] {
        guard let folder = opendir("/proc") else { return [] }
        defer { closedir(folder) }
        var children: [(pid: Int32, name: String)] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard let child = Int32(name), parent(of: child) == pid,
                let stat = read("/proc/\(child)/stat"),
                let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
            else { continue }
            children.append((child, String(stat[stat.index(after: open)..<close])))
        }
        return children
    }

    /// Waits up to `timeout` for every process in `pids` to be gone, zombies included; returns those still there.
    public static func waitUntilGone(_ pids: [Int32], timeout: Duration = .seconds(2)) -> [Int32] {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            let running = pids.filter(exists)
            if running.isEmpty || clock.now >= deadline { return running }
            usleep(5_000)
        }
    }

    /// The environment variable tests put in the environment of what they start (a `lesson` process, a
    /// `CellExecutor`'s cells), which every descendant inherits: the processes a test started can be found by it
    /// wherever they went, even inside a cell's PID namespace, whose ids mean nothing out here.
    public static let tagVariable = "LESSON_TEST_TAG"

    /// A new tag for ``tagVariable``.
    public static func newTag() -> String {
        "t\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    }

    /// The living processes (zombies excluded) whose environment holds `LESSON_TEST_TAG=tag`, except `excluded`.
    public static func tagged(_ tag: String, excluding excluded: Set<Int32> = []) -> [Int32] {
        guard let folder = opendir("/proc") else { return [] }
        defer { closedir(folder) }
        let entry = Array("\(tagVariable)=\(tag)".utf8)
        var found: [Int32] = []
        while let item = readdir(folder) {
            let name = withUnsafeBytes(of: item.pointee.d_name) { bytes in
                String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard let pid = Int32(name), !excluded.contains(pid), let state = state(of: pid), state != "Z",
                let environment = readBytes("/proc/\(pid)/environ")
            else { continue }
            if environment.split(separator: 0).contains(where: { $0.elementsEqual(entry) }) { found.append(pid) }
        }
        return found
    }

    /// Waits up to `timeout` until no living process carries `tag` (see ``tagged(_:excluding:)``); returns those
    /// still there.
    public static func waitUntilNoneTagged(
        _ tag: String, excluding excluded: Set<Int32> = [], timeout: Duration = .seconds(2)
    ) -> [Int32] {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            let left = tagged(tag, excluding: excluded)
            if left.isEmpty || clock.now >= deadline { return left }
            usleep(5_000)
        }
    }

    /// Reaps the zombies a killed process handed to this test process: once a test used a process-table container,
    /// this process is a child subreaper, and a killed runner's children come here. Waits up to 2 s for them.
    public static func reapOrphans() {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(2)
        repeat {
            _ = Subreaper.reapAdoptedZombies()
            if !children(of: getpid()).contains(where: { state(of: $0.pid) == "Z" }) { return }
            usleep(10_000)
        } while clock.now < deadline
    }

    /// Kills every process that carries `tag`: the clean-up of a test that expected them gone and found them.
    public static func killTagged(_ tag: String, excluding excluded: Set<Int32> = []) {
        for pid in tagged(tag, excluding: excluded) { kill(pid, SIGKILL) }
    }

    private static func read(_ path: String) -> String? {
        readBytes(path).map { String(decoding: $0, as: UTF8.self) }
    }

    private static func readBytes(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = Glibc.read(descriptor, &buffer, buffer.count)
            if count <= 0 { break }
            bytes += buffer[..<count]
        }
        return bytes
    }
}
