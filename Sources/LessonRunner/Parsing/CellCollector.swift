/// Finds the cells of a parsed lesson and the `output` and `stderr` blocks that belong to them.
///
/// Every container (the document, block quotes, list items) is scanned on its own: an expected-output block
/// belongs to the cell that is its previous sibling block, or to that cell's other expected-output block right
/// before it. Blank lines do not count as blocks; anything else between them breaks the association.
struct CellCollector {
    /// A cell as found, possibly with errors.
    private struct Draft {
        var block: FencedBlock
        var language: String?
        var attributes: CellAttributes?
        var expectedOutput: ExpectedOutput?
        var expectedError: ExpectedOutput?
    }

    /// The kinds of fenced block that matter here.
    private enum Role {
        case cell(language: String?, attributes: CellAttributes?)
        case expected(stream: String)
        case plain
    }

    let locator: FencedBlockLocator
    let file: String
    let demos: DemoCatalog
    private var drafts: [Draft] = []
    private var diagnostics: [LessonDiagnostic] = []

    init(locator: FencedBlockLocator, file: String, demos: DemoCatalog) {
        self.locator = locator
        self.file = file
        self.demos = demos
    }

    /// Scans `document` and every container in it.
    mutating func collect(in document: MarkdownNode) {
        var pending = [document]
        while let container = pending.popLast() {
            scan(container.children)
            pending.append(contentsOf: container.children.filter { !$0.children.isEmpty })
        }
    }

    /// The valid cells in document order and all diagnostics, duplicate ids included.
    mutating func finish() -> (cells: [Cell], diagnostics: [LessonDiagnostic]) {
        drafts.sort { $0.block.byteRange.lowerBound < $1.block.byteRange.lowerBound }
        var cells: [Cell] = []
        var firstLineByID: [String: Int] = [:]
        for draft in drafts {
            guard let attributes = draft.attributes, let demo = attributes.demo else { continue }
            // A wrong `id=` is reported already; the demo name standing in for it could only add a false duplicate.
            if attributes.idColumn != nil, attributes.id == nil { continue }
            let id = attributes.id ?? demo
            let line = draft.block.location.line
            if let first = firstLineByID[id] {
                let column = attributes.idColumn ?? attributes.demoColumn
                let hint = attributes.id == nil ? "add a unique `id=` to this cell" : "give this cell a unique `id=`"
                diagnostics.append(LessonDiagnostic(
                    at: SourceLocation(file: file, line: line, column: column),
                    "duplicate cell id `\(id)`: the cell on line \(first) already has it; \(hint)"))
                continue
            }
            firstLineByID[id] = line
            var cell = Cell(
                id: id, demo: demo, language: draft.language, options: attributes.options, block: draft.block,
                expectedOutput: draft.expectedOutput, expectedError: draft.expectedError)
            if let source = source(of: demo, column: attributes.demoColumn, line: line) {
                cell.demoSource = source
                if let mismatch = CellCodeCheck.diagnostic(for: cell, source: source, file: file) {
                    diagnostics.append(mismatch)
                }
            }
            cells.append(cell)
        }
        return (cells, diagnostics)
    }

    /// The shown source of the demo named `name`, when its module embeds its sources; a source whose anchors are
    /// wrong is reported at the cell's `demo=`.
    private mutating func source(of name: String, column: Int, line: Int) -> DemoSource? {
        guard let demo = demos[name] else { return nil }
        do {
            return try demos.source(of: demo)
        } catch {
            diagnostics.append(LessonDiagnostic(
                at: SourceLocation(file: file, line: line, column: column),
                "the source of demo `\(name)` cannot be shown: \(error)"))
            return nil
        }
    }

    /// Scans the blocks of one container in order.
    private mutating func scan(_ blocks: [MarkdownNode]) {
        // The draft that the next expected-output block may attach to.
        var open: Int?
        for node in blocks {
            guard let located = locator.locate(node) else {
                open = nil
                continue
            }
            switch role(of: located) {
            case .cell(let language, let attributes):
                drafts.append(Draft(block: located.block, language: language, attributes: attributes))
                open = drafts.count - 1
            case .expected(let stream):
                attach(located.block, stream: stream, to: open)
            case .plain:
                open = nil
            }
        }
    }

    private mutating func attach(_ block: FencedBlock, stream: String, to index: Int?) {
        guard let index else {
            error(at: block.location, "`\(stream)` block has no cell right before it: put it right after a "
                + "fenced block with `demo=NAME`, or give it another info string")
            return
        }
        let expected = ExpectedOutput(text: block.content, block: block)
        do {
            _ = try ExpectedPattern.parse(content: block.content, info: block.info)
        } catch {
            let location = error.line.map {
                SourceLocation(
                    file: file, line: block.lines.lowerBound + 1 + $0, column: block.linePrefix.utf8.count + 1)
            } ?? SourceLocation(
                file: file, line: block.location.line, column: block.location.column + block.fence.utf8.count)
            self.error(at: location, "in this `\(stream)` block: \(error.message)")
        }
        let existing = stream == "output" ? drafts[index].expectedOutput : drafts[index].expectedError
        if let existing {
            let cellLine = drafts[index].block.location.line
            error(at: block.location, "second `\(stream)` block for the cell on line \(cellLine) (the first is on line "
                + "\(existing.block.location.line)): a cell has at most one")
            return
        }
        if stream == "output" {
            drafts[index].expectedOutput = expected
        } else {
            drafts[index].expectedError = expected
        }
    }

    /// What a fenced block is, with the diagnostics of its info string recorded.
    private mutating func role(of located: FencedBlockLocator.Located) -> Role {
        let firstWord = located.block.info.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init)
        if firstWord == "output" || firstWord == "stderr" { return .expected(stream: firstWord!) }
        let line = located.block.location.line
        switch InfoStringTokenizer.tokenize(located.infoBytes, column: located.infoColumn) {
        case .success(let tokens):
            guard tokens.attributes.contains(where: { $0.key == "demo" && $0.hasValidKey }) else {
                warnAboutCellAttributes(tokens.attributes, line: line)
                return .plain
            }
            let attributes = CellAttributes(tokens.attributes, line: line, file: file, demos: demos)
            diagnostics += attributes.diagnostics
            return .cell(language: tokens.language, attributes: attributes)
        case .failure(let unterminated):
            let words = located.block.info.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.contains(where: { $0 == "demo" || $0.hasPrefix("demo=") }) else { return .plain }
            error(
                at: SourceLocation(file: file, line: line, column: unterminated.column),
                "unterminated `\(unterminated.quote)` in the info string: add the closing `\(unterminated.quote)`")
            return .cell(language: nil, attributes: nil)
        }
    }

    /// Warns about the first cell attribute on a block that is not a cell, since it does nothing there.
    private mutating func warnAboutCellAttributes(_ attributes: [InfoStringTokenizer.Attribute], line: Int) {
        guard let attribute = attributes.first(where: {
            $0.hasValidKey && CellAttributes.knownKeys.contains($0.key)
        }) else { return }
        diagnostics.append(LessonDiagnostic(
            .warning, at: SourceLocation(file: file, line: line, column: attribute.column),
            "`\(attribute.key)` has no effect on a block without `demo=`: add `demo=NAME` to make it a cell"))
    }

    private mutating func error(at location: SourceLocation, _ message: String) {
        diagnostics.append(LessonDiagnostic(at: location, message))
    }
}
