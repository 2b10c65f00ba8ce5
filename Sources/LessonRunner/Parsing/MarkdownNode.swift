/// One node of a parsed GFM Markdown document, as plain Swift values.
///
/// ``CommonMarkConverter`` builds these from cmark-gfm's tree and frees the C objects right away, so a node owns
/// everything it holds and can cross concurrency domains freely. Lines and columns are 1-based; columns count
/// UTF-8 bytes, as cmark does.
public struct MarkdownNode: Hashable, Sendable {
    /// What a node is. Core CommonMark kinds plus the GFM extension kinds; anything else keeps cmark's name.
    public enum Kind: Hashable, Sendable {
        /// The whole document.
        case document
        /// A `>` block quote.
        case blockQuote
        /// A bullet or ordered list.
        case list
        /// A list item.
        case item
        /// A list item with a GFM task checkbox (`- [ ] …`).
        case taskListItem
        /// A fenced or indented code block.
        case codeBlock
        /// A block of raw HTML.
        case htmlBlock
        /// A custom block (not produced by parsing).
        case customBlock
        /// A paragraph.
        case paragraph
        /// An ATX or setext heading.
        case heading
        /// A thematic break (`---`).
        case thematicBreak
        /// A footnote definition.
        case footnoteDefinition
        /// A GFM table.
        case table
        /// A GFM table's header row.
        case tableHeader
        /// A GFM table row.
        case tableRow
        /// A GFM table cell.
        case tableCell
        /// Literal text.
        case text
        /// A soft line break.
        case softBreak
        /// A hard line break.
        case lineBreak
        /// A code span.
        case code
        /// Inline raw HTML.
        case htmlInline
        /// A custom inline (not produced by parsing).
        case customInline
        /// Emphasis (`*a*`).
        case emphasis
        /// Strong emphasis (`**a**`).
        case strong
        /// A link or GFM autolink.
        case link
        /// An image.
        case image
        /// A footnote reference.
        case footnoteReference
        /// GFM strikethrough (`~~a~~`).
        case strikethrough
        /// A node type this enum does not know, by cmark's type name.
        case other(String)

        /// The kind for cmark's type name, such as `code_block` or `table_cell`.
        public init(cmarkName name: String) {
            switch name {
            case "document": self = .document
            case "block_quote": self = .blockQuote
            case "list": self = .list
            case "item": self = .item
            case "tasklist": self = .taskListItem
            case "code_block": self = .codeBlock
            case "html_block": self = .htmlBlock
            case "custom_block": self = .customBlock
            case "paragraph": self = .paragraph
            case "heading": self = .heading
            case "thematic_break": self = .thematicBreak
            case "footnote_definition": self = .footnoteDefinition
            case "table": self = .table
            case "table_header": self = .tableHeader
            case "table_row": self = .tableRow
            case "table_cell": self = .tableCell
            case "text": self = .text
            case "softbreak": self = .softBreak
            case "linebreak": self = .lineBreak
            case "code": self = .code
            case "html_inline": self = .htmlInline
            case "custom_inline": self = .customInline
            case "emph": self = .emphasis
            case "strong": self = .strong
            case "link": self = .link
            case "image": self = .image
            case "footnote_reference": self = .footnoteReference
            case "strikethrough": self = .strikethrough
            default: self = .other(name)
            }
        }
    }

    /// A line and a byte column, both from 1, as cmark reports them.
    public struct Position: Hashable, Sendable, Comparable {
        /// The line, from 1.
        public var line: Int
        /// The column in UTF-8 bytes, from 1. cmark reports 0 for some end positions at the end of the document.
        public var column: Int

        /// A position at `line` and byte `column`.
        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }

        public static func < (lhs: Position, rhs: Position) -> Bool {
            (lhs.line, lhs.column) < (rhs.line, rhs.column)
        }
    }

    /// How a fenced code block's opening fence looks.
    public struct Fence: Hashable, Sendable {
        /// The fence character, a backtick or a tilde.
        public var character: Character
        /// How many fence characters the opening fence has, at least 3.
        public var length: Int
        /// How far the fence is indented within its container, 0 to 3.
        public var offset: Int

        /// A fence of `length` times `character`, indented by `offset`.
        public init(character: Character, length: Int, offset: Int) {
            self.character = character
            self.length = length
            self.offset = offset
        }
    }

    /// What the node is.
    public var kind: Kind
    /// Where the node starts.
    public var start: Position
    /// Where the node ends, as cmark reports it. For a fenced code block that is never closed this can lie
    /// beyond the block's last line; see ``LessonParser`` for how the real end is found.
    public var end: Position
    /// The text of a text, code, HTML or code block node.
    public var literal: String?
    /// The info string of a fenced code block, with backslash escapes and entities already resolved by cmark.
    public var fenceInfo: String?
    /// The opening fence of a fenced code block; `nil` for indented code blocks and other nodes.
    public var fence: Fence?
    /// The level of a heading, 1 to 6.
    public var headingLevel: Int?
    /// The child nodes, in document order.
    public var children: [MarkdownNode]
    /// Whether cmark's node had children that were left out because they nest deeper than
    /// ``CommonMarkConverter/maximumDepth``.
    public var isTruncated = false

    /// A node; ``CommonMarkConverter`` makes them from cmark's tree.
    public init(
        kind: Kind, start: Position, end: Position, literal: String? = nil, fenceInfo: String? = nil,
        fence: Fence? = nil, headingLevel: Int? = nil, children: [MarkdownNode] = []
    ) {
        self.kind = kind
        self.start = start
        self.end = end
        self.literal = literal
        self.fenceInfo = fenceInfo
        self.fence = fence
        self.headingLevel = headingLevel
        self.children = children
    }

    /// This node and all its descendants, depth first in document order.
    ///
    /// Walks without recursion, like the other tree functions here, so that deeply nested documents (a
    /// thousand `>` in a row) cannot exhaust the stack.
    public var allNodes: [MarkdownNode] {
        var result: [MarkdownNode] = []
        var pending = [self]
        while let node = pending.popLast() {
            result.append(node)
            pending.append(contentsOf: node.children.reversed())
        }
        return result
    }

    /// The plain text of the node's inline content: text and code literals, line breaks as spaces.
    public var plainText: String {
        var text = ""
        for node in allNodes {
            switch node.kind {
            case .text, .code: text += node.literal ?? ""
            case .softBreak, .lineBreak: text += " "
            default: break
            }
        }
        return text
    }
}
