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
