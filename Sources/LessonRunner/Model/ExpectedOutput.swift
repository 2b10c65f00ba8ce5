/// What a lesson says a cell prints on one stream: the `output` (stdout) or `stderr` block after the cell.
public struct ExpectedOutput: Hashable, Sendable {
    /// The block's text, as written.
    public var text: String
    /// Where the block stands in the file.
    public var block: FencedBlock

    public init(text: String, block: FencedBlock) {
        self.text = text
        self.block = block
    }
}
