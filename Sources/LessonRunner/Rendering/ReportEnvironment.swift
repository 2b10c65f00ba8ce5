#if canImport(Glibc)
import Glibc
#endif

/// Facts about where and when a report was made, for its summary; tests pass fixed ones.
public struct ReportEnvironment: Hashable, Sendable {
    /// The Swift compiler that built the runner, such as `6.3`.
    public var swiftVersion: String
    /// The operating system, architecture and processor count, such as `Linux x86_64, 2 cores`.
    public var machine: String
    /// When the report was made, such as `2026-11-26 15:04 UTC`.
    public var date: String

    public init(swiftVersion: String, machine: String, date: String) {
        self.swiftVersion = swiftVersion
        self.machine = machine
        self.date = date
    }

    /// This machine, now.
    public static var current: ReportEnvironment {
        ReportEnvironment(swiftVersion: compilerVersion, machine: currentMachine, date: currentDate)
    }

    /// The version of the compiler that built this code, known at compile time.
    static var compilerVersion: String {
        #if compiler(>=6.5)
        "6.5 or later"
        #elseif compiler(>=6.4)
        "6.4"
        #elseif compiler(>=6.3)
        "6.3"
        #elseif compiler(>=6.2)
        "6.2"
        #elseif compiler(>=6.1)
        "6.1"
        #else
        "6.0"
        #endif
    }

    private static var currentMachine: String {
        var names = utsname()
        guard uname(&names) == 0 else { return "unknown" }
        func text<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        let cores = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return "\(text(names.sysname)) \(text(names.machine)), \(cores) core\(cores == 1 ? "" : "s")"
    }

    private static var currentDate: String {
        var now = time(nil)
        var parts = tm()
        guard gmtime_r(&now, &parts) != nil else { return "unknown" }
        func twoDigits(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(twoDigits(parts.tm_mon + 1))-\(twoDigits(parts.tm_mday)) "
            + "\(twoDigits(parts.tm_hour)):\(twoDigits(parts.tm_min)) UTC"
    }
}
