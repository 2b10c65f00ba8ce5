/// How a cell's output on one stream differs from the lesson's expected block: where, and a diff.
public struct OutputMismatch: Hashable, Sendable, CustomStringConvertible {
    /// The stream that differs.
    public var stream: OutputStream
    /// The first expected line that differs (the block's closing fence when lines are missing at its end).
    public var location: SourceLocation
    /// A unified diff: ` ` lines that match, `-` expected lines, `+` actual lines, `@@ FILE:LINE @@` hunks.
    public var diff: String

    public init(stream: OutputStream, location: SourceLocation, diff: String) {
        self.stream = stream
        self.location = location
        self.diff = diff
    }

    /// `stdout does not match the output block at FILE:LINE`.
    public var summary: String {
        "\(stream) does not match the `\(stream == .stdout ? "output" : "stderr")` block at "
            + "\(location.file):\(location.line)"
    }

    /// The summary and the diff.
    public var description: String { summary + "\n" + diff }
}
