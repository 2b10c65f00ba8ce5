/// The Markdown report: the lesson as written, with each cell's actual output in an `output` block under it
/// (and a `stderr` block when it wrote to stderr), followed by a one-line status. A cell left empty shows its
/// demo's source.
///
/// Everything outside the output blocks it replaces stays byte for byte as the author wrote it: the report splices
/// into the source at the blocks' byte ranges rather than re-rendering through cmark's CommonMark renderer, which
/// normalises text. New blocks take the cell's container prefix (`> `, list indentation) and line endings.
public struct MarkdownReport: Sendable {
    public init() {}

    /// Renders the report for a lesson run.
    public func render(_ run: LessonRunResult) -> [UInt8] {
        var edits: [SourceEdit] = []
        for cell in run.lesson.cells {
            guard let result = run.result(for: cell.id) else { continue }
            edits += self.edits(for: cell, result: result, source: run.lesson.source)
        }
        return SourceEdit.apply(edits, to: run.lesson.source)
    }

    private func edits(for cell: Cell, result: CellResult, source: [UInt8]) -> [SourceEdit] {
        let splicer = OutputBlockSplicer(cell: cell, source: source)
        var edits: [SourceEdit] = []
        if cell.showsDemoSource {
            edits.append(splicer.fillingCell(with: cell.displayedCode))
        }
        var insertion = ""
        if result.status != .skipped {
            let streams: [(OutputStream, ExpectedOutput?)] = [
                (.stdout, cell.expectedOutput), (.stderr, cell.expectedError),
            ]
            for (stream, expected) in streams {
                let text = TerminalText.plain(result.output[stream].text)
                if let expected {
                    edits.append(splicer.replacing(expected, with: text, keepFenceLength: false))
                } else if !text.isEmpty {
                    insertion += splicer.newBlock(for: stream, content: text)
                }
            }
        }
        insertion += splicer.paragraph("*" + MarkdownText.escaped(StatusLine.text(for: result)) + "*")
        edits.append(splicer.insertion(insertion, after: edits))
        return edits
    }
}
