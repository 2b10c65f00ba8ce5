#if canImport(Glibc)
import Glibc
#endif

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

    private static func read(_ path: String) -> String? {
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
        return String(decoding: bytes, as: UTF8.self)
    }
}
