/// A cell's output mismatch on one stream as lines to display: the validation's unified diff, parsed.
///
/// The diff itself comes from ``OutputCheck`` (matcher-aware: a line that a ` (re)` pattern matches is not a
/// difference); this only splits its text into typed lines for a report to style.
public struct OutputDiff: Hashable, Sendable {
    /// One line of the diff.
    public enum Line: Hashable, Sendable {
        /// A hunk header with the place in the lesson, such as `@@ lesson.md:12 @@`.
        case hunk(String)
        /// In both.
        case same(String)
        /// Expected by the lesson but not printed.
        case expected(String)
        /// Printed but not expected.
        case actual(String)
    }

    /// The stream compared.
    public var stream: OutputStream
    /// The lines in order.
    public var lines: [Line]

    public init(stream: OutputStream, lines: [Line]) {
        self.stream = stream
        self.lines = lines
    }

    /// The lines of a mismatch's unified diff (its `---`/`+++` header left out).
    public init(_ mismatch: OutputMismatch) {
        stream = mismatch.stream
        lines = mismatch.diff.split(separator: "\n", omittingEmptySubsequences: false).compactMap { line in
            if line.hasPrefix("--- ") || line.hasPrefix("+++ ") || line.isEmpty { return nil }
            if line.hasPrefix("@@") { return .hunk(String(line)) }
            let text = String(line.dropFirst())
            switch line.first {
            case "-": return .expected(text)
            case "+": return .actual(text)
            default: return .same(text)
            }
        }
    }
}
