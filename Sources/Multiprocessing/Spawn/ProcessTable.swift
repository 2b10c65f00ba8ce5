#if canImport(Glibc)
import Glibc
#endif

/// What `/proc/PID/stat` says about one process.
struct ProcessStat: Hashable, Sendable {
    /// Field 1.
    var id: Int32
    /// Field 3: `R`, `S`, `D`, `Z`, …
    var state: UInt8
    /// Field 4.
    var parent: Int32
    /// Field 5.
    var processGroup: Int32
    /// Field 6.
    var session: Int32
    /// Field 22: clock ticks after boot. With the ID it names a process unambiguously, despite pid reuse.
    var startTime: UInt64

    /// A zombie (or a process being reaped): it has exited and only waits for its parent.
    var isZombie: Bool { state == UInt8(ascii: "Z") || state == UInt8(ascii: "X") }
}

/// Reads the process table from `/proc`.
///
/// The kernel this runs on may lack `/proc/PID/task/TID/children` (`CONFIG_PROC_CHILDREN`), so descendants are
/// found by reading every process's parent.
enum ProcessTable {
    /// The contents of a small `/proc` file, or `nil` if it cannot be read (the process is gone, or not ours).
    static func read(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                bytes.append(contentsOf: buffer[..<count])
            } else if count == 0 {
                return bytes
            } else if errno != EINTR {
                return nil
            }
        }
    }

    /// Parses `/proc/PID/stat`; the command name, in parentheses, may itself contain spaces and parentheses.
    static func parse(stat bytes: [UInt8]) -> ProcessStat? {
        guard let open = bytes.firstIndex(of: UInt8(ascii: "(")),
              let close = bytes.lastIndex(of: UInt8(ascii: ")")),
              let id = Int32(String(decoding: bytes[..<open], as: UTF8.self).trimmingSpaces)
        else { return nil }
        let rest = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
        // rest[0] is field 3 (state), so field N is rest[N - 3].
        guard rest.count > 19, let state = rest[0].first,
              let parent = Int32(String(decoding: rest[1], as: UTF8.self)),
              let group = Int32(String(decoding: rest[2], as: UTF8.self)),
              let session = Int32(String(decoding: rest[3], as: UTF8.self)),
              let startTime = UInt64(String(decoding: rest[19], as: UTF8.self))
        else { return nil }
        return ProcessStat(
            id: id, state: state, parent: parent, processGroup: group, session: session, startTime: startTime
        )
    }

    /// The current state of one process, or `nil` if it does not exist.
    static func stat(of id: Int32) -> ProcessStat? {
        read("/proc/\(id)/stat").flatMap(parse(stat:))
    }

    /// Every process visible in `/proc`.
    static func all() -> [ProcessStat] {
        guard let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        var ids: [Int32] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if let id = Int32(name) { ids.append(id) }
        }
        return ids.compactMap(stat(of:))
    }

    /// Whether the environment of `id` holds exactly `entry` (`NAME=value`); `nil` if it cannot be read, which is
    /// always the case for a zombie.
    static func environment(of id: Int32, contains entry: String) -> Bool? {
        guard let bytes = read("/proc/\(id)/environ"), !bytes.isEmpty else { return nil }
        let wanted = Array(entry.utf8)
        return bytes.split(separator: 0).contains { $0.elementsEqual(wanted) }
    }
}

extension String {
    fileprivate var trimmingSpaces: Substring {
        let start = firstIndex(where: { $0 != " " }) ?? endIndex
        let end = lastIndex(where: { $0 != " " }).map(index(after:)) ?? start
        return self[start..<max(start, end)]
    }
}
