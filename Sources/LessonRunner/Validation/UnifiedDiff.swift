/// Renders an ``OutputComparison`` as a unified diff with `FILE:LINE` hunks, and finds its first difference.
struct UnifiedDiff {
    /// Lines of context around each change.
    static let context = 2

    let comparison: OutputComparison
    /// The expected block in the lesson.
    let block: FencedBlock

    /// The file line of the expected block's content line `index` (from 0).
    func fileLine(ofPattern index: Int) -> Int { block.lines.lowerBound + 1 + index }

    /// Each step with the file line where it stands in the lesson.
    private var placedSteps: [(step: OutputComparison.Step, line: Int)] {
        var nextPatternLine = fileLine(ofPattern: 0)
        return comparison.steps.map { step in
            switch step {
            case .matched(let pattern, _), .anyLines(let pattern, _), .missing(let pattern):
                nextPatternLine = fileLine(ofPattern: pattern) + 1
                return (step, fileLine(ofPattern: pattern))
            case .unexpected:
                return (step, nextPatternLine)
            }
        }
    }

    /// Where the first difference is.
    var firstDifferenceLine: Int {
        placedSteps.first { !Self.isMatch($0.step) }?.line ?? block.location.line
    }

    /// The diff text, every line ending in "\n".
    func text(stream: OutputStream, truncated: Bool) -> String {
        let file = block.location.file
        let name = stream == .stdout ? "output" : "stderr"
        var text = "--- expected: the `\(name)` block at \(file):\(block.location.line)"
            + (comparison.pattern.isUnordered ? " (unordered)" : "") + "\n"
        text += "+++ actual: \(stream)" + (truncated ? " (cut at the capture limit)" : "") + "\n"
        let steps = placedSteps
        let changes = steps.indices.filter { !Self.isMatch(steps[$0].step) }
        var shown = Set<Int>()
        for index in changes {
            for near in max(0, index - Self.context)...min(steps.count - 1, index + Self.context) { shown.insert(near) }
        }
        var previous: Int?
        for index in shown.sorted() {
            if previous.map({ $0 + 1 != index }) ?? true { text += "@@ \(file):\(steps[index].line) @@\n" }
            previous = index
            text += line(for: steps[index].step)
        }
        if steps.isEmpty || changes.isEmpty { text += "@@ \(file):\(block.location.line) @@\n" }
        return text
    }

    private func line(for step: OutputComparison.Step) -> String {
        switch step {
        case .matched(let pattern, _): " " + comparison.pattern.rawLines[pattern] + "\n"
        case .anyLines(let pattern, _): " " + comparison.pattern.rawLines[pattern] + "\n"
        case .missing(let pattern): "-" + comparison.pattern.rawLines[pattern] + "\n"
        case .unexpected(let line): "+" + comparison.actualLines[line] + "\n"
        }
    }

    private static func isMatch(_ step: OutputComparison.Step) -> Bool {
        switch step {
        case .matched, .anyLines: true
        case .missing, .unexpected: false
        }
    }
}
