/// A line diff between what a lesson expects a cell to print on one stream and what it printed.
public struct OutputDiff: Hashable, Sendable {
    /// One line of the diff.
    public enum Line: Hashable, Sendable {
        /// In both.
        case same(String)
        /// Expected by the lesson but not printed.
        case expected(String)
        /// Printed but not expected.
        case actual(String)
    }

    /// The stream compared.
    public var stream: OutputStream
    /// The lines in order, longest common subsequence kept as `same`.
    public var lines: [Line]

    public init(stream: OutputStream, lines: [Line]) {
        self.stream = stream
        self.lines = lines
    }

    /// How many lines each side may have for a line-by-line comparison; above it the diff shows all expected
    /// lines, then all actual lines.
    static let maximumLines = 2000

    /// The diff of `expected` and `actual` text, or nil when they are equal.
    public init?(stream: OutputStream, expected: String, actual: String) {
        guard expected != actual else { return nil }
        let old = Self.lines(of: expected)
        let new = Self.lines(of: actual)
        self.stream = stream
        guard old.count <= Self.maximumLines, new.count <= Self.maximumLines else {
            lines = old.map(Line.expected) + new.map(Line.actual)
            return
        }
        // lengths[i][j]: the longest common subsequence of old[i...] and new[j...].
        var lengths = [[Int]](repeating: [Int](repeating: 0, count: new.count + 1), count: old.count + 1)
        for i in stride(from: old.count - 1, through: 0, by: -1) {
            for j in stride(from: new.count - 1, through: 0, by: -1) {
                lengths[i][j] = old[i] == new[j] ? lengths[i + 1][j + 1] + 1 : max(lengths[i + 1][j], lengths[i][j + 1])
            }
        }
        var lines: [Line] = []
        var (i, j) = (0, 0)
        while i < old.count || j < new.count {
            if i < old.count, j < new.count, old[i] == new[j] {
                lines.append(.same(old[i]))
                i += 1
                j += 1
            } else if i < old.count, j == new.count || lengths[i + 1][j] >= lengths[i][j + 1] {
                lines.append(.expected(old[i]))
                i += 1
            } else {
                lines.append(.actual(new[j]))
                j += 1
            }
        }
        self.lines = lines
    }

    private static func lines(of text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}
