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
        parts += notes(for: result, invalidUTF8ShownAs: "�")
        return parts.joined(separator: " · ")
    }

    /// What a reader should know about a cell's output beyond its status: a stream cut at the limit, a stream
    /// that is not UTF-8 (shown with `invalidUTF8ShownAs` in its place), and stray processes that were ended.
    static func notes(for result: CellResult, invalidUTF8ShownAs replacement: String) -> [String] {
        var notes: [String] = []
        for stream in [OutputStream.stdout, .stderr] {
            let capture = result.output[stream]
            if capture.isTruncated {
                notes.append("\(stream) cut after \(ByteCount.short(capture.bytes.count)) "
                    + "(\(ByteCount.short(capture.droppedByteCount)) more not shown)")
            }
            if capture.hasInvalidUTF8 { notes.append("\(stream) has invalid UTF-8, shown as \(replacement)") }
        }
        if result.strayProcessesEnded > 0 {
            let count = result.strayProcessesEnded
            notes.append("ended \(count) leftover process\(count == 1 ? "" : "es")")
        }
        return notes
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
