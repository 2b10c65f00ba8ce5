/// Compares a cell's output with the lesson's expected blocks and gives the verdict `lesson check` uses.
///
/// Standard output is compared when the cell has an `output` block, standard error when it has a `stderr` block;
/// an empty block says the stream must be empty, a missing one leaves the stream unchecked.
public enum OutputCheck {
    /// The mismatches between what the cell printed and its expected blocks; empty when everything matches.
    public static func mismatches(of cell: Cell, output: CapturedOutput) -> [OutputMismatch] {
        var mismatches: [OutputMismatch] = []
        for (stream, expected) in [(OutputStream.stdout, cell.expectedOutput), (.stderr, cell.expectedError)] {
            guard let expected else { continue }
            // The parser has read every expected block once; one that cannot be read here matches nothing.
            let pattern = (try? ExpectedPattern.parse(content: expected.text, info: expected.block.info))
                ?? ExpectedPattern(lines: [.literal("\u{0}")], rawLines: ["(unreadable block)"])
            let comparison = OutputComparison(pattern: pattern, actual: TerminalText.plain(output[stream].text))
            guard !comparison.matches else { continue }
            let diff = UnifiedDiff(comparison: comparison, block: expected.block)
            var location = expected.block.location
            location.line = diff.firstDifferenceLine
            location.column = 1
            mismatches.append(OutputMismatch(
                stream: stream, location: location,
                diff: diff.text(stream: stream, truncated: output[stream].isTruncated)))
        }
        return mismatches
    }

    /// `result` with its output compared: a passed result whose output does not match becomes failed.
    ///
    /// Results that are not passed keep their status (a crash says more than the output it left); their
    /// mismatches are recorded all the same.
    public static func judged(_ result: CellResult, for cell: Cell) -> CellResult {
        guard result.status != .skipped else { return result }
        var result = result
        result.mismatches = mismatches(of: cell, output: result.output)
        if result.status == .passed, let first = result.mismatches.first {
            result.status = .failed
            result.detail = first.summary + (result.mismatches.count > 1 ? ", and stderr differs too" : "")
        }
        return result
    }
}
