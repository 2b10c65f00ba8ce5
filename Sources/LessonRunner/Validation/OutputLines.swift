/// How output text becomes lines for comparison.
enum OutputLines {
    /// The lines of `text` without their terminators; a final line break ends the last line rather than starting
    /// an empty one, and trailing blank lines are left out. CRLF counts as one line break.
    static func split(_ text: String, trimming: Bool = true) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
        if trimming { lines = lines.map(trimmingTrailingSpace) }
        while let last = lines.last, trimmingTrailingSpace(last).isEmpty { lines.removeLast() }
        return lines
    }

    /// `line` without trailing spaces and tabs.
    static func trimmingTrailingSpace(_ line: String) -> String {
        var line = Substring(line)
        while let last = line.last, last == " " || last == "\t" { line = line.dropLast() }
        return String(line)
    }
}
