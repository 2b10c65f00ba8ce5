/// One line of an expected block, as the matcher reads it.
///
/// | Written | Matches |
/// |---|---|
/// | `text` | the line `text` (trailing spaces ignored) |
/// | `...` | any number of lines, none included |
/// | `worker [0-9]+ done (re)` | a line the regular expression matches whole |
/// | `saved to /tmp/* (glob)` | a line the glob matches: `*` any characters, `?` one, `\` escapes |
/// | `pi is {{3.1416 ± 0.01}} (num)` | a line with a number in the range at each `{{…}}` |
/// | `ends in (re) (literal)` | the line `ends in (re)`, as written before ` (literal)` |
public enum PatternLine: Hashable, Sendable {
    /// The line, exactly.
    case literal(String)
    /// Any number of lines (`...`).
    case anyLines
    /// A regular expression in Swift's syntax that must match the whole line (` (re)`).
    case regex(String)
    /// A glob that must match the whole line (` (glob)`).
    case glob(String)
    /// Literal text with numbers in ranges (` (num)`).
    case numeric(NumericLine)

    /// The suffixes that give a line its meaning, each after a space.
    static let suffixes = ["(re)", "(glob)", "(num)", "(literal)"]

    /// Reads one line of an expected block, trailing spaces already removed.
    ///
    /// - Throws: ``PatternError`` (with no line number) for a regex or a numeric line that cannot be read.
    public init(_ line: String) throws(PatternError) {
        if line == "..." {
            self = .anyLines
        } else if let text = Self.removingSuffix("(literal)", from: line) {
            self = .literal(text)
        } else if let text = Self.removingSuffix("(re)", from: line) {
            do {
                _ = try Regex(text)
            } catch {
                throw PatternError(line: nil, "the regular expression `\(text)` does not compile: \(error)")
            }
            self = .regex(text)
        } else if let text = Self.removingSuffix("(glob)", from: line) {
            self = .glob(text)
        } else if let text = Self.removingSuffix("(num)", from: line) {
            self = .numeric(try NumericLine(text))
        } else {
            self = .literal(line)
        }
    }

    /// How to write `line` so that it is read as a literal line: with ` (literal)` added when it would be read
    /// as `...` or ends with a suffix.
    public static func escapedLiteral(_ line: String) -> String {
        let trimmed = OutputLines.trimmingTrailingSpace(line)
        if trimmed == "..." || suffixes.contains(where: { trimmed.hasSuffix(" " + $0) }) {
            return trimmed + " (literal)"
        }
        return line
    }

    private static func removingSuffix(_ suffix: String, from line: String) -> String? {
        guard line.hasSuffix(" " + suffix) else { return nil }
        return String(line.dropLast(suffix.count + 1))
    }
}
