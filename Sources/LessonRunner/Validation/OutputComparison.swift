/// The comparison of an expected block with what a cell printed: whether they match, and how the lines align,
/// from which the diff and the accepted block are made.
public struct OutputComparison: Sendable {
    /// How one expected or actual line took part.
    public enum Step: Hashable, Sendable {
        /// The expected line `pattern` matched the actual line `line`.
        case matched(pattern: Int, line: Int)
        /// The `...` at `pattern` took the actual lines `lines` (maybe none).
        case anyLines(pattern: Int, lines: Range<Int>)
        /// The expected line `pattern` matched no actual line.
        case missing(pattern: Int)
        /// The actual line `line` matched no expected line.
        case unexpected(line: Int)
    }

    /// The expected block.
    public var pattern: ExpectedPattern
    /// The actual lines, as printed (control characters made visible, trailing blank lines left out).
    public var actualLines: [String]
    /// The alignment, in order for an ordered block; for an unordered one the matched lines in the expected
    /// block's order, then what is missing, then what is unexpected.
    public var steps: [Step]

    /// Whether the actual output matches the block.
    public var matches: Bool {
        steps.allSatisfy { step in
            switch step {
            case .matched, .anyLines: true
            case .missing, .unexpected: false
            }
        }
    }

    /// Compares what a cell printed on one stream with its expected block.
    public init(pattern: ExpectedPattern, actual: String) {
        self.pattern = pattern
        actualLines = OutputLines.split(actual, trimming: false)
        let sanitized = actualLines.map {
            Sanitizer.apply(pattern.sanitizers, to: OutputLines.trimmingTrailingSpace($0))
        }
        let matchers = pattern.lines.map { LineMatcher($0, sanitizers: pattern.sanitizers) }
        steps = pattern.isUnordered
            ? Self.unorderedSteps(matchers, sanitized) : Self.orderedSteps(matchers, sanitized)
    }

    // MARK: Ordered

    /// The alignment with the fewest missing and unexpected lines: equal runs at both ends are taken as they
    /// come (no better alignment exists), the middle by dynamic programming.
    private static func orderedSteps(_ matchers: [LineMatcher], _ lines: [String]) -> [Step] {
        var head: [Step] = []
        var (p, l) = (0, 0)
        while p < matchers.count, l < lines.count, !matchers[p].isAnyLines, matchers[p].matches(lines[l]) {
            head.append(.matched(pattern: p, line: l))
            p += 1
            l += 1
        }
        var tail: [Step] = []
        var (pEnd, lEnd) = (matchers.count, lines.count)
        while pEnd > p, lEnd > l, !matchers[pEnd - 1].isAnyLines, matchers[pEnd - 1].matches(lines[lEnd - 1]) {
            tail.append(.matched(pattern: pEnd - 1, line: lEnd - 1))
            pEnd -= 1
            lEnd -= 1
        }
        return head + middleSteps(matchers, lines, patterns: p..<pEnd, lines: l..<lEnd) + tail.reversed()
    }

    private static func middleSteps(
        _ matchers: [LineMatcher], _ lines: [String], patterns: Range<Int>, lines lineRange: Range<Int>
    ) -> [Step] {
        let (rows, columns) = (patterns.count + 1, lineRange.count + 1)
        guard rows * columns <= 4_000_000 else {
            // Too large to align: report the middle as replaced wholesale.
            return patterns.map { .missing(pattern: $0) } + lineRange.map { .unexpected(line: $0) }
        }
        // cost[i * columns + j]: the cost of aligning patterns[i...] with lines[j...]. A missing or unexpected
        // line costs `mismatch`, a line taken by `...` costs 1: the fewest mismatches first, then, among those,
        // the alignment where `...` takes the fewest lines (so real lines match where they can).
        let mismatch = columns
        var cost = [Int](repeating: 0, count: rows * columns)
        var matched = [Bool](repeating: false, count: rows * columns)
        for i in stride(from: rows - 1, through: 0, by: -1) {
            for j in stride(from: columns - 1, through: 0, by: -1) {
                let index = i * columns + j
                if i == rows - 1 {
                    cost[index] = (columns - 1 - j) * mismatch
                    continue
                }
                let matcher = matchers[patterns.lowerBound + i]
                if matcher.isAnyLines {
                    cost[index] = j == columns - 1
                        ? cost[index + columns] : min(cost[index + columns], cost[index + 1] + 1)
                    continue
                }
                var best = cost[index + columns] + mismatch
                if j < columns - 1 {
                    best = min(best, cost[index + 1] + mismatch)
                    if matcher.matches(lines[lineRange.lowerBound + j]) {
                        matched[index] = true
                        best = min(best, cost[index + columns + 1])
                    }
                }
                cost[index] = best
            }
        }
        var steps: [Step] = []
        var (i, j) = (0, 0)
        var anyLinesStart: Int?
        while i < rows - 1 || j < columns - 1 {
            let index = i * columns + j
            let (pattern, line) = (patterns.lowerBound + i, lineRange.lowerBound + j)
            if i == rows - 1 {
                steps.append(.unexpected(line: line))
                j += 1
            } else if matchers[pattern].isAnyLines {
                let start = anyLinesStart ?? line
                if cost[index] == cost[index + columns] {
                    steps.append(.anyLines(pattern: pattern, lines: start..<line))
                    anyLinesStart = nil
                    i += 1
                } else {
                    anyLinesStart = start
                    j += 1
                }
            } else if j < columns - 1 && matched[index] && cost[index] == cost[index + columns + 1] {
                steps.append(.matched(pattern: pattern, line: line))
                i += 1
                j += 1
            } else if cost[index] == cost[index + columns] + mismatch {
                steps.append(.missing(pattern: pattern))
                i += 1
            } else {
                steps.append(.unexpected(line: line))
                j += 1
            }
        }
        return steps
    }

    // MARK: Unordered

    /// A maximum matching of expected lines to actual lines (each used once); a `...` anywhere in the block
    /// takes every actual line left over.
    private static func unorderedSteps(_ matchers: [LineMatcher], _ lines: [String]) -> [Step] {
        let patterns = matchers.indices.filter { !matchers[$0].isAnyLines }
        let candidates = patterns.map { p in lines.indices.filter { matchers[p].matches(lines[$0]) } }
        var owner = [Int?](repeating: nil, count: lines.count)  // actual line → index into `patterns`
        func augment(_ k: Int, _ visited: inout [Bool]) -> Bool {
            for line in candidates[k] where !visited[line] {
                visited[line] = true
                if owner[line] == nil || augment(owner[line]!, &visited) {
                    owner[line] = k
                    return true
                }
            }
            return false
        }
        for k in patterns.indices {
            var visited = [Bool](repeating: false, count: lines.count)
            _ = augment(k, &visited)
        }
        var lineOf = [Int?](repeating: nil, count: patterns.count)
        for (line, k) in owner.enumerated() { if let k { lineOf[k] = line } }

        let leftOver = lines.indices.filter { owner[$0] == nil }
        let firstAnyLines = matchers.firstIndex(where: \.isAnyLines)
        var steps: [Step] = []
        var missing: [Step] = []
        var k = 0
        for p in matchers.indices {
            if matchers[p].isAnyLines {
                // The lines `...` takes are not contiguous; the range only says how many. The first `...` takes
                // them all, any other none (each still has its step, so that no expected line is lost).
                steps.append(.anyLines(pattern: p, lines: 0..<(p == firstAnyLines ? leftOver.count : 0)))
                continue
            }
            if let line = lineOf[k] { steps.append(.matched(pattern: p, line: line)) } else {
                missing.append(.missing(pattern: p))
            }
            k += 1
        }
        if firstAnyLines != nil { return steps + missing }
        return steps + missing + leftOver.map { .unexpected(line: $0) }
    }
}
