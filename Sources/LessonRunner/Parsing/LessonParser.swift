/// Reads lesson files: GFM Markdown whose fenced code blocks with `demo=NAME` in the info string are cells.
///
/// ````markdown
/// # Mapping with a pool
///
/// ```swift demo=pool-map timeout=10s args="--processes 4"
/// let results = try await pool.map(inputs) { $0 * 2 }
/// ```
///
/// ```output
/// [2, 4, 6]
/// ```
/// ````
///
/// The `output` block right after a cell holds its expected stdout, a `stderr` block its expected stderr. The
/// parser checks the whole file in one pass and throws every error it finds together, each with its line and
/// byte column, as ``LessonError``.
public struct LessonParser: Sendable {
    /// The demos cells may name, with their sources.
    public var demos: DemoCatalog

    /// A parser that accepts the demos of a catalog (a demo host's).
    public init(demos: DemoCatalog) {
        self.demos = demos
    }

    /// A parser that accepts the demos in `demos`.
    public init(demos: DemoRegistry) {
        self.init(demos: demos.catalog)
    }

    /// Parses a lesson.
    ///
    /// - Parameters:
    ///   - source: The file's bytes, which must be UTF-8.
    ///   - path: The file as the user named it, for diagnostics.
    /// - Returns: The lesson, with any warnings in ``Lesson/warnings``.
    /// - Throws: ``LessonError`` with every diagnostic (errors and warnings) when the lesson has any error. A file
    ///   that is not UTF-8 gets only the one diagnostic at its first invalid byte.
    public func parse(_ source: [UInt8], path: String) throws(LessonError) -> Lesson {
        let lines = SourceLines(source)
        if let offset = UTF8Validation.firstInvalidOffset(in: source) {
            let position = lines.position(ofOffset: offset)
            let hex = String(source[offset], radix: 16, uppercase: true)
            throw LessonError([LessonDiagnostic(
                at: SourceLocation(file: path, line: position.line, column: position.column),
                "file is not valid UTF-8: byte 0x\(hex) starts no valid character; save the lesson as UTF-8")])
        }
        let document = CommonMarkConverter.parse(source)
        var collector = CellCollector(
            locator: FencedBlockLocator(lines: lines, file: path, document: document), file: path, demos: demos)
        collector.collect(in: document)
        var (cells, diagnostics) = collector.finish()
        if let deep = document.allNodes.first(where: \.isTruncated) {
            diagnostics.append(LessonDiagnostic(
                at: SourceLocation(file: path, line: deep.start.line, column: max(deep.start.column, 1)),
                "content nested more than \(CommonMarkConverter.maximumDepth) levels deep is not read: nest it less "
                    + "deeply"))
        }
        if diagnostics.contains(where: { $0.severity == .error }) { throw LessonError(diagnostics) }

        let title = document.allNodes.first { $0.kind == .heading }
            .map { $0.plainText.trimmingCharacters(in: " \t") }
        var lesson = Lesson(path: path, source: source, title: title, cells: cells)
        lesson.warnings = diagnostics
        return lesson
    }

    /// Reads and parses the lesson at `path`.
    ///
    /// - Throws: ``LessonError``; a file that cannot be read is reported as `PATH:1:1: error: cannot read …`.
    public func load(path: String) throws(LessonError) -> Lesson {
        let bytes: [UInt8]
        do {
            bytes = try LessonFileReader.read(path: path)
        } catch {
            throw LessonError([LessonDiagnostic(
                at: SourceLocation(file: path, line: 1, column: 1), "cannot read `\(path)`: \(error.reason)")])
        }
        return try parse(bytes, path: path)
    }
}

extension String {
    /// The string without leading and trailing characters from `characters`.
    fileprivate func trimmingCharacters(in characters: String) -> String {
        let set = Set(characters)
        guard let first = firstIndex(where: { !set.contains($0) }),
            let last = lastIndex(where: { !set.contains($0) })
        else { return "" }
        return String(self[first...last])
    }
}
