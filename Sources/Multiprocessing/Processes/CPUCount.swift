#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims

/// The number of CPUs this process may use: the CPUs in its affinity mask, lowered by a cgroup v2 CPU quota
/// (`cpu.max`, rounded up) when one is set; at least 1. Python's `os.process_cpu_count()` honours only the first.
///
/// The corresponding C function is `sched_getaffinity`.
public func cpuCount() -> Int {
    var count = Int(lx_affinity_cpu_count())
    if count <= 0 { count = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
    if let quota = cgroupQuota() { count = min(count, quota) }
    return max(1, count)
}

/// CPUs allowed by `/sys/fs/cgroup/<own cgroup>/cpu.max` ("QUOTA PERIOD", or "max PERIOD" for none).
private func cgroupQuota() -> Int? {
    var path = "/sys/fs/cgroup/cpu.max"
    if let own = ProcessTable.read("/proc/self/cgroup") {
        // cgroup v2: a single line "0::/path".
        let text = String(decoding: own, as: UTF8.self)
        if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("0::") }) {
            let relative = line.dropFirst(3)
            let candidate = "/sys/fs/cgroup\(relative == "/" ? "" : String(relative))/cpu.max"
            if access(candidate, R_OK) == 0 { path = candidate }
        }
    }
    guard let bytes = ProcessTable.read(path) else { return nil }
    let fields = String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
    guard fields.count >= 2, let quota = Double(fields[0]), let period = Double(fields[1]), period > 0 else {
        return nil
    }
    return Int((quota / period).rounded(.up))
}
