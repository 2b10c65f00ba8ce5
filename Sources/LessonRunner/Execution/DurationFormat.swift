/// Short, human durations for reports: `850 µs`, `4.2 ms`, `1.25 s`, `2 min 5 s`.
public enum DurationFormat {
    /// Formats a duration with two or three significant digits.
    public static func short(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        switch seconds {
        case ..<0.001: return "\(Int((seconds * 1e6).rounded())) µs"
        case ..<0.01: return trimmed(seconds * 1e3, digits: 1) + " ms"
        case ..<1: return "\(Int((seconds * 1e3).rounded())) ms"
        case ..<60: return trimmed(seconds, digits: seconds < 10 ? 2 : 1) + " s"
        default:
            let whole = Int(seconds.rounded())
            return "\(whole / 60) min \(whole % 60) s"
        }
    }

    /// The form a cell's `timeout=` attribute takes: `30s`, `500ms`, `1.5s`.
    public static func attribute(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if attoseconds == 0 { return "\(seconds)s" }
        if attoseconds % 1_000_000_000_000_000 == 0 && seconds < 10 {
            return "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000)ms"
        }
        return trimmed(Double(seconds) + Double(attoseconds) * 1e-18, digits: 3) + "s"
    }

    private static func trimmed(_ value: Double, digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = "\(rounded)"
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }
}
