import CCmarkGFM

#if canImport(Glibc)
import Glibc
#endif

/// The bridge to cmark-gfm: parses GFM Markdown into ``MarkdownNode`` values and renders it as HTML.
///
/// This is the only file in the package that imports `CCmarkGFM`. Every function creates, uses and frees its
/// C objects itself, so nothing of the C library escapes and calls are safe from any thread.
public enum CommonMarkConverter {
    /// The GFM extensions both parsing and rendering use.
    public static let extensionNames = ["table", "strikethrough", "autolink", "tasklist", "tagfilter"]

    /// How deeply nodes may nest; deeper children are left out and their parent is marked
    /// ``MarkdownNode/isTruncated``. Swift destroys nested values recursively, so an unbounded tree from a file of
    /// a million `>` could exhaust the stack.
    public static let maximumDepth = 1000

    /// Registers the core extensions exactly once; Swift runs a static initializer once, thread-safely.
    private static let extensionsRegistered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()

    /// Parses `markdown` with the GFM extensions and source positions.
    ///
    /// The bytes are passed to cmark as they are: the caller checks them for UTF-8 first if it cares, because
    /// cmark's own check would replace invalid bytes and shift columns.
    public static func parse(_ markdown: [UInt8]) -> MarkdownNode {
        let options = CMARK_OPT_SOURCEPOS
        let parser = makeParser(options: options)
        defer { cmark_parser_free(parser) }
        feed(markdown, to: parser)
        guard let document = cmark_parser_finish(parser) else {
            return MarkdownNode(kind: .document, start: .init(line: 1, column: 1), end: .init(line: 1, column: 1))
        }
        defer { cmark_node_free(document) }
        return convertTree(document)
    }

    /// Renders `markdown` as an HTML fragment with the GFM extensions.
    ///
    /// Without `allowRawHTML`, raw HTML in the Markdown is left out (cmark writes `<!-- raw HTML omitted -->`).
    /// With it, raw HTML passes through except for the tags GFM's tag filter disarms, such as `<script>`,
    /// `<style>`, `<iframe>` and `<textarea>`, whose `<` is escaped.
    public static func renderHTML(_ markdown: [UInt8], allowRawHTML: Bool) -> String {
        var options = CMARK_OPT_VALIDATE_UTF8
        if allowRawHTML { options |= CMARK_OPT_UNSAFE }
        let parser = makeParser(options: options)
        defer { cmark_parser_free(parser) }
        feed(markdown, to: parser)
        guard let document = cmark_parser_finish(parser) else { return "" }
        defer { cmark_node_free(document) }
        // The tag filter only acts when the renderer receives the parser's extension list.
        guard let html = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser)) else {
            return ""
        }
        defer { free(html) }
        return String(cString: html)
    }

    private static func makeParser(options: Int32) -> OpaquePointer {
        precondition(extensionsRegistered)
        guard let parser = cmark_parser_new(options) else { fatalError("cmark_parser_new failed: out of memory") }
        for name in extensionNames {
            if let syntaxExtension = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, syntaxExtension)
            }
        }
        return parser
    }

    private static func feed(_ markdown: [UInt8], to parser: OpaquePointer) {
        markdown.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, buffer.count > 0 else { return }
            base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { characters in
                cmark_parser_feed(parser, characters, buffer.count)
            }
        }
    }

    /// Converts the C tree depth first without recursion, down to ``maximumDepth``.
    private static func convertTree(_ root: OpaquePointer) -> MarkdownNode {
        var stack: [(pointer: OpaquePointer, node: MarkdownNode)] = [(root, makeNode(root))]
        var next = cmark_node_first_child(root)
        while true {
            if let child = next {
                guard stack.count < maximumDepth else {
                    stack[stack.count - 1].node.isTruncated = true
                    next = nil
                    continue
                }
                stack.append((child, makeNode(child)))
                next = cmark_node_first_child(child)
                continue
            }
            let finished = stack.removeLast()
            guard !stack.isEmpty else { return finished.node }
            stack[stack.count - 1].node.children.append(finished.node)
            next = cmark_node_next(finished.pointer)
        }
    }

    private static func makeNode(_ pointer: OpaquePointer) -> MarkdownNode {
        let typeName = cmark_node_get_type_string(pointer).map { String(cString: $0) } ?? "unknown"
        let kind = MarkdownNode.Kind(cmarkName: typeName)
        var node = MarkdownNode(
            kind: kind,
            start: .init(
                line: Int(cmark_node_get_start_line(pointer)), column: Int(cmark_node_get_start_column(pointer))),
            end: .init(line: Int(cmark_node_get_end_line(pointer)), column: Int(cmark_node_get_end_column(pointer)))
        )
        switch kind {
        case .codeBlock:
            node.literal = cmark_node_get_literal(pointer).map { String(cString: $0) }
            // cmark_node_get_fenced writes through all three pointers; they must be real.
            var length: Int32 = 0
            var offset: Int32 = 0
            var character: CChar = 0
            if cmark_node_get_fenced(pointer, &length, &offset, &character) != 0 {
                node.fence = .init(
                    character: Character(Unicode.Scalar(UInt8(bitPattern: character))),
                    length: Int(length), offset: Int(offset))
                node.fenceInfo = cmark_node_get_fence_info(pointer).map { String(cString: $0) } ?? ""
            }
        case .text, .code, .htmlBlock, .htmlInline:
            node.literal = cmark_node_get_literal(pointer).map { String(cString: $0) }
        case .heading:
            node.headingLevel = Int(cmark_node_get_heading_level(pointer))
        default:
            break
        }
        return node
    }
}
