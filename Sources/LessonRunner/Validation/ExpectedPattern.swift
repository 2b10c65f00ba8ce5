/// An `output` or `stderr` block read as a pattern: its lines, whether their order matters, and the sanitizers
/// that both sides go through before they are compared.
///
/// ````markdown
/// ```output unordered sanitize=pid
/// worker 1 done, pid 4242
/// worker 2 done, pid 4243
/// ...
/// ```
/// ````
///
/// The language is described in the Validation article of the documentation.
public struct ExpectedPattern: Hashable, Sendable {
    /// The block's lines as patterns, trailing blank lines left out.
    public var lines: [PatternLine]
    /// The block's lines exactly as written, one per entry of ``lines``.
    public var rawLines: [String]
    /// Whether the lines may come in any order (`output unordered`).
    public var isUnordered: Bool
    /// The sanitizers named with `sanitize=`, applied to the actual output and to literal and glob lines.
    public var sanitizers: [Sanitizer]

    public init(lines: [PatternLine], rawLines: [String], isUnordered: Bool = false, sanitizers: [Sanitizer] = []) {
        self.lines = lines
        self.rawLines = rawLines
        self.isUnordered = isUnordered
        self.sanitizers = sanitizers
    }

    /// The info words an expected block may carry after `output` or `stderr`.
    public static let infoWords = ["unordered", "sanitize=NAME[,NAME…]"]

    /// Reads an expected block.
    ///
    /// - Parameters:
    ///   - content: The block's content, each line ending in "\n".
    ///   - info: The block's info string, starting with `output` or `stderr`.
    /// - Throws: ``PatternError`` for an unknown info word or sanitizer, a regex that does not compile, or a
    ///   numeric placeholder that cannot be read; its `line` counts from 0 within the content (nil for the info).
    public static func parse(content: String, info: String) throws(PatternError) -> ExpectedPattern {
        var isUnordered = false
        var sanitizers: [Sanitizer] = []
        for word in info.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst() {
            if word == "unordered" {
                isUnordered = true
            } else if word.hasPrefix("sanitize=") {
                for name in word.dropFirst("sanitize=".count).split(separator: ",", omittingEmptySubsequences: false) {
                    guard let sanitizer = Sanitizer(rawValue: String(name)) else {
                        let known = Sanitizer.allCases.map(\.rawValue).joined(separator: ", ")
                        throw PatternError(line: nil, "unknown sanitizer `\(name)`; known sanitizers: \(known)")
                    }
                    if !sanitizers.contains(sanitizer) { sanitizers.append(sanitizer) }
                }
            } else {
                throw PatternError(line: nil, "unknown word `\(word)` after the block's stream name; an expected "
                    + "block takes `unordered` and `sanitize=NAME,…`")
            }
        }
        let rawLines = OutputLines.split(content, trimming: false)
        var lines: [PatternLine] = []
        for (index, raw) in rawLines.enumerated() {
            do {
                lines.append(try PatternLine(OutputLines.trimmingTrailingSpace(raw)))
            } catch {
                throw PatternError(line: index, error.message)
            }
        }
        return ExpectedPattern(lines: lines, rawLines: rawLines, isUnordered: isUnordered, sanitizers: sanitizers)
    }
}

/// An expected block that cannot be read as a pattern.
public struct PatternError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The content line (from 0) at fault, or nil when the info string is.
    public var line: Int?
    /// What is wrong, in one sentence without a trailing period.
    public var message: String

    public init(line: Int?, _ message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { message }
}
