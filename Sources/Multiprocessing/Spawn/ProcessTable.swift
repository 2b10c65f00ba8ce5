#if canImport(Glibc)
import Glibc
#endif

/// What `/proc/PID/stat` says about one process.
package struct ProcessStat: Hashable, Sendable {
    /// Field 1.
    package var id: Int32
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
    package var isZombie: Bool { state == UInt8(ascii: "Z") || state == UInt8(ascii: "X") }
}

/// Reads the process table from `/proc`.
///
/// The kernel this runs on may lack `/proc/PID/task/TID/children` (`CONFIG_PROC_CHILDREN`), so descendants are
/// found by reading every process's parent.
package enum ProcessTable {
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
        bytes.withUnsafeBufferPointer { parse(stat: UnsafeRawBufferPointer($0)) }
    }

    /// Parses `/proc/PID/stat` in place, without allocating.
    static func parse(stat bytes: UnsafeRawBufferPointer) -> ProcessStat? {
        guard let open = bytes.firstIndex(of: UInt8(ascii: "(")),
              let close = bytes.lastIndex(of: UInt8(ascii: ")"))
        else { return nil }
        var idCursor = 0
        guard let id = number(in: bytes, from: &idCursor, upTo: open) else { return nil }
        // After ") " come the fields from 3 on, separated by single spaces.
        var cursor = close + 2
        guard cursor < bytes.count else { return nil }
        let state = bytes[cursor]
        cursor += 2
        var fields: [UInt64] = []  // fields 4 to 22
        fields.reserveCapacity(19)
        while fields.count < 19, let value = number(in: bytes, from: &cursor, upTo: bytes.count) {
            fields.append(value)
        }
        guard fields.count == 19 else { return nil }
        return ProcessStat(
            id: Int32(truncatingIfNeeded: id), state: state, parent: Int32(truncatingIfNeeded: fields[0]),
            processGroup: Int32(truncatingIfNeeded: fields[1]), session: Int32(truncatingIfNeeded: fields[2]),
            startTime: fields[18])
    }

    /// Reads a decimal number (a leading minus sign is read as 0: the fields used here are never negative) and
    /// moves `cursor` past it and one separator.
    private static func number(in bytes: UnsafeRawBufferPointer, from cursor: inout Int, upTo end: Int) -> UInt64? {
        while cursor < end && bytes[cursor] == UInt8(ascii: " ") { cursor += 1 }
        var negative = false
        if cursor < end && bytes[cursor] == UInt8(ascii: "-") {
            negative = true
            cursor += 1
        }
        var value: UInt64 = 0
        var digits = 0
        while cursor < end, bytes[cursor] >= UInt8(ascii: "0"), bytes[cursor] <= UInt8(ascii: "9") {
            value = value &* 10 &+ UInt64(bytes[cursor] - UInt8(ascii: "0"))
            cursor += 1
            digits += 1
        }
        guard digits > 0 else { return nil }
        cursor += 1
        return negative ? 0 : value
    }

    /// The current state of one process, or `nil` if it does not exist.
    static func stat(of id: Int32) -> ProcessStat? {
        let directory = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { return nil }
        defer { close(directory) }
        return stat(of: id, in: directory)
    }

    /// Reads `PID/stat` relative to an open `/proc`, into a stack buffer.
    private static func stat(of id: Int32, in proc: Int32) -> ProcessStat? {
        let descriptor = openat(proc, "\(id)/stat", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        return withUnsafeTemporaryAllocation(byteCount: 1024, alignment: 1) { buffer in
            var count: Int
            repeat {
                count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            } while count < 0 && errno == EINTR
            // The kernel returns the whole line in one read; a line this long would be a kernel we do not know.
            guard count > 0, count < buffer.count else { return nil }
            return parse(stat: UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        }
    }

    /// How many descendants of `root` (children, their children, …) are alive, from one `/proc` scan.
    package static func livingDescendants(of root: Int32) -> Int {
        let table = all()
        var childrenByParent: [Int32: [ProcessStat]] = [:]
        for process in table { childrenByParent[process.parent, default: []].append(process) }
        var count = 0
        var queue = childrenByParent[root] ?? []
        var seen: Set<Int32> = [root]
        while let process = queue.popLast() {
            guard seen.insert(process.id).inserted else { continue }
            if !process.isZombie { count += 1 }
            queue += childrenByParent[process.id] ?? []
        }
        return count
    }

    /// Every process visible in `/proc`.
    package static func all() -> [ProcessStat] {
        let proc = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard proc >= 0, let directory = fdopendir(proc) else { return [] }
        defer { closedir(directory) }
        var processes: [ProcessStat] = []
        processes.reserveCapacity(256)
        while let entry = readdir(directory) {
            let id: Int32? = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                var value: Int32 = 0
                var index = 0
                while index < raw.count, raw[index] != 0 {
                    guard raw[index] >= UInt8(ascii: "0"), raw[index] <= UInt8(ascii: "9") else { return nil }
                    value = value &* 10 &+ Int32(raw[index] - UInt8(ascii: "0"))
                    index += 1
                }
                return index > 0 ? value : nil
            }
            if let id, let stat = stat(of: id, in: proc) { processes.append(stat) }
        }
        return processes
    }

    /// Whether the environment of `id` holds exactly `entry` (`NAME=value`); `nil` if it cannot be read, which is
    /// always the case for a zombie.
    static func environment(of id: Int32, contains entry: String) -> Bool? {
        guard let bytes = read("/proc/\(id)/environ"), !bytes.isEmpty else { return nil }
        let wanted = Array(entry.utf8)
        return bytes.split(separator: 0).contains { $0.elementsEqual(wanted) }
    }
}
