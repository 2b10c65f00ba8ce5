/// A lesson: a GFM Markdown file whose fenced blocks with `demo=NAME` are cells.
public struct Lesson: Sendable {
    /// The file as the user named it; diagnostics and reports use it.
    public var path: String
    /// The file's exact bytes. Reports splice into these by ``FencedBlock/byteRange``.
    public var source: [UInt8]
    /// The lesson's title: the text of its first heading, if any.
    public var title: String?
    /// The cells, in document order.
    public var cells: [Cell]
    /// Problems that do not stop the lesson from running, such as cell attributes on a block without `demo=`.
    public var warnings: [LessonDiagnostic] = []

    public init(path: String, source: [UInt8], title: String?, cells: [Cell]) {
        self.path = path
        self.source = source
        self.title = title
        self.cells = cells
    }

    /// The cell with this id.
    public func cell(id: String) -> Cell? { cells.first { $0.id == id } }
}
