/// Checks that the code a cell shows is the code its demo runs: the shown part of the demo's source file.
///
/// Lines are compared without trailing whitespace and without the indentation common to all of them, and blank
/// lines at the start and end do not count; everything else must be the same. An empty cell passes: reports show
/// the demo's source in it.
enum CellCodeCheck {
    /// The error for `cell` when its code differs from `source`, at the first line that differs.
    static func diagnostic(for cell: Cell, source: DemoSource, file: String) -> LessonDiagnostic? {
        if cell.code.allSatisfy(\.isWhitespace) { return nil }
        let written = Lines(cell.code)
        let shown = Lines(source.code)
        let common = min(written.lines.count, shown.lines.count)
        let firstDifference = (0..<common).first { written.lines[$0].text != shown.lines[$0].text }
            ?? (written.lines.count == shown.lines.count ? nil : common)
        guard let index = firstDifference else { return nil }

        let block = cell.block
        let prefixWidth = block.linePrefix.utf8.count
        let demoPath = source.file.path
        let hint = "leave the cell empty to show the demo's source, or make it the same"
        let message: String
        let lessonLine: Int
        if index < written.lines.count, index < shown.lines.count {
            lessonLine = block.lines.lowerBound + 1 + written.lines[index].offset
            let demoLine = source.lineNumbers[shown.lines[index].offset]
            message = "this cell's code differs from the source of demo `\(cell.demo)` (\(demoPath):\(demoLine)): "
                + "the cell has `\(written.lines[index].text)` where the demo has `\(shown.lines[index].text)`; \(hint)"
        } else if index < shown.lines.count {
            lessonLine = block.lines.lowerBound + 1 + (written.lines.last.map { $0.offset + 1 } ?? 0)
            let demoLine = source.lineNumbers[shown.lines[index].offset]
            message = "this cell's code ends before the source of demo `\(cell.demo)` does: it goes on with "
                + "`\(shown.lines[index].text)` (\(demoPath):\(demoLine)); \(hint)"
        } else {
            lessonLine = block.lines.lowerBound + 1 + written.lines[index].offset
            let lastLine = source.lineNumbers.last.map { ":\($0)" } ?? ""
            message = "this cell's code goes on with `\(written.lines[index].text)` after the source of demo "
                + "`\(cell.demo)` ends (\(demoPath)\(lastLine)); \(hint)"
        }
        return LessonDiagnostic(
            at: SourceLocation(file: file, line: lessonLine, column: prefixWidth + 1), message)
    }

    /// The lines that count, with their 0-based offsets in the text.
    private struct Lines {
        var lines: [(offset: Int, text: Substring)] = []

        init(_ text: String) {
            let all = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated().map {
                (offset: $0.offset, text: Self.trimmingTrailingSpace($0.element))
            }
            guard let first = all.firstIndex(where: { !$0.text.isEmpty }),
                let last = all.lastIndex(where: { !$0.text.isEmpty })
            else { return }
            let kept = all[first...last]
            let indentation = kept.filter { !$0.text.isEmpty }
                .map { $0.text.prefix { $0 == " " || $0 == "\t" }.count }.min() ?? 0
            lines = kept.map { ($0.offset, $0.text.isEmpty ? $0.text : $0.text.dropFirst(indentation)) }
        }

        private static func trimmingTrailingSpace(_ line: Substring) -> Substring {
            var line = line
            while let last = line.last, last == " " || last == "\t" || last == "\r" { line.removeLast() }
            return line
        }
    }
}
