/// A fenced code block that names a demo: the unit the runner executes.
public struct Cell: Hashable, Sendable, Identifiable {
    /// Unique in its lesson; the `id` attribute, or else the demo's name.
    public var id: String
    /// The registered demo the cell runs (`demo=NAME`).
    public var demo: String
    /// The info string's first word when it is not an attribute, usually `swift`.
    public var language: String?
    /// Timeout, arguments, skip and expected exit.
    public var options: CellOptions
    /// The cell's fenced block.
    public var block: FencedBlock
    /// The expected stdout: the `output` block right after the cell, if any.
    public var expectedOutput: ExpectedOutput?
    /// The expected stderr: the `stderr` block right after the cell (or after its `output` block), if any.
    public var expectedError: ExpectedOutput?
    /// The shown part of the demo's source, when its module embeds its sources: the cell's code is checked
    /// against it, and an empty cell shows it.
    public var demoSource: DemoSource?

    public init(
        id: String, demo: String, language: String?, options: CellOptions, block: FencedBlock,
        expectedOutput: ExpectedOutput? = nil, expectedError: ExpectedOutput? = nil, demoSource: DemoSource? = nil
    ) {
        self.id = id
        self.demo = demo
        self.language = language
        self.options = options
        self.block = block
        self.expectedOutput = expectedOutput
        self.expectedError = expectedError
        self.demoSource = demoSource
    }

    /// The code written in the cell.
    public var code: String { block.content }

    /// The code reports show: the cell's own, or its demo's source when the cell is left empty.
    public var displayedCode: String { showsDemoSource ? demoSource?.code ?? code : code }

    /// Whether the cell is empty and reports show its demo's source in it.
    public var showsDemoSource: Bool {
        demoSource != nil && code.allSatisfy(\.isWhitespace)
    }
    /// Where the cell's opening fence stands.
    public var location: SourceLocation { block.location }
}
