/// The one-line status a report shows under a cell: `passed · exit 0 · 4.1 ms`.
public enum StatusLine {
    /// The status, the exit, the duration, and notes on cut output, invalid UTF-8 and ended stray processes.
    public static func text(for result: CellResult) -> String {
        var parts: [String] = []
        switch result.status {
        case .passed:
            parts.append("passed")
            if let detail = result.detail {
                parts.append(detail)
            } else if let termination = result.termination {
                parts.append(termination.description)
            }
        case .skipped:
            return "skipped"
        default:
            parts.append(result.status.rawValue + (result.detail.map { ": " + $0 } ?? ""))
        }
        parts.append(DurationFormat.short(result.duration) + (result.isCached ? " (cached)" : ""))
        for stream in [OutputStream.stdout, .stderr] {
            let capture = result.output[stream]
            if capture.isTruncated {
                parts.append("\(stream) cut after \(ByteCount.short(capture.bytes.count)) "
                    + "(\(ByteCount.short(capture.droppedByteCount)) more not shown)")
            }
            if capture.hasInvalidUTF8 { parts.append("\(stream) has invalid UTF-8, shown as �") }
        }
        if result.strayProcessesEnded > 0 {
            let count = result.strayProcessesEnded
            parts.append("ended \(count) leftover process\(count == 1 ? "" : "es")")
        }
        return parts.joined(separator: " · ")
    }
}

/// Byte counts for people: `812 B`, `64 KiB`, `1.5 MiB`.
public enum ByteCount {
    public static func short(_ count: Int) -> String {
        switch count {
        case ..<1024: return "\(count) B"
        case ..<(1024 * 1024): return "\(count / 1024) KiB"
        default:
            let tenths = (count * 10 + 512 * 1024) / (1024 * 1024)
            return tenths % 10 == 0 ? "\(tenths / 10) MiB" : "\(tenths / 10).\(tenths % 10) MiB"
        }
    }
}
