/// A named rewrite applied to both the actual output and the expected block before they are compared, for
/// values that change from run to run (`output sanitize=pid,duration`).
///
/// | Name | Replaces | With |
/// |---|---|---|
/// | `pid` | the number after `pid`, `PID`, `process` or `process id` (`pid 4242`, `pid=4242`, `process 12`) | `PID` |
/// | `duration` | a number with a time unit: `12 ms`, `1.5s`, `850 µs`, `3 min` | `DURATION` |
/// | `path` | an absolute path: `/tmp/lesson-x/out.txt` | `PATH` |
/// | `address` | a hexadecimal address: `0x7ffd5e8c` | `ADDRESS` |
public enum Sanitizer: String, Hashable, Sendable, CaseIterable {
    case pid
    case duration
    case path
    case address

    /// `line` with every value of this kind replaced by its placeholder.
    public func apply(to line: String) -> String {
        switch self {
        case .pid:
            line.replacing(/(?i)(\bpid|\bprocess(?: id)?)([ =:#]*)[0-9]+/) { match in
                match.output.1 + match.output.2 + "PID"
            }
        case .duration:
            line.replacing(/[0-9]+(?:\.[0-9]+)?(?:e-?[0-9]+)? ?(?:ns|µs|us|ms|s|sec|seconds?|min|minutes?|h)\b/) { _ in
                "DURATION"
            }
        case .path:
            line.replacing(/(^|[\s'"(=:,\[])\/[\w.@+\-]+(?:\/[\w.@+\-]*)*/) { match in match.output.1 + "PATH" }
        case .address:
            line.replacing(/\b0x[0-9a-fA-F]+\b/) { _ in "ADDRESS" }
        }
    }

    /// `line` after each sanitizer in turn.
    static func apply(_ sanitizers: [Sanitizer], to line: String) -> String {
        sanitizers.reduce(line) { $1.apply(to: $0) }
    }
}
