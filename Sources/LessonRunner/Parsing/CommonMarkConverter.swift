import CCmarkGFM
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The bridge to cmark-gfm: parses GFM Markdown into ``MarkdownNode`` values and renders it as HTML.
///
/// This is the only file in the package that imports `CCmarkGFM`. Every function creates, uses and frees its
/// C objects itself, so nothing of the C library escapes; calls are safe from any thread because they take turns
/// (see ``lock``).
public enum CommonMarkConverter {
    /// The GFM extensions both parsing and rendering use.
    public static let extensionNames = ["table", "strikethrough", "autolink", "tasklist", "tagfilter"]

    /// How deeply nodes may nest; deeper children are left out and their parent is marked
    /// ``MarkdownNode/isTruncated``. Swift destroys nested values recursively, so an unbounded tree from a file of
    /// a million `>` could exhaust the stack.
    public static let maximumDepth = 1000

    /// Serialises every use of cmark-gfm. Attaching an extension to a parser adds its special characters (`~`,
    /// `|`, `:`…) to a table shared by all parsers, and freeing a parser removes them: a parser freed on one
    /// thread while another parses made the other miss strikethrough or tables (seen as a flaky test).
    private static let lock = Mutex(())

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
        lock.withLock { _ in parseLocked(markdown) }
    }

    private static func parseLocked(_ markdown: [UInt8]) -> MarkdownNode {
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

    /// What happens to raw HTML written in Markdown when it is rendered.
    public enum RawHTML: Hashable, Sendable {
        /// Left out: cmark writes `<!-- raw HTML omitted -->` in its place.
        case omitted
        /// Passed through GFM's tag filter, as GitHub does: tags such as `<details>` and `<kbd>` work, while
        /// `<script>`, `<style>`, `<iframe>`, `<textarea>`, `<title>`, `<xmp>`, `<noembed>`, `<noframes>` and
        /// `<plaintext>` are disarmed (their `<` is escaped, so they show as text).
        case filtered
        /// Passed through as written, scripts included.
        case allowed
    }

    /// Renders `markdown` as an HTML fragment with the GFM extensions.
    ///
    /// Without `allowRawHTML`, raw HTML in the Markdown is left out (cmark writes `<!-- raw HTML omitted -->`).
    /// With it, raw HTML passes through except for the tags GFM's tag filter disarms, such as `<script>`,
    /// `<style>`, `<iframe>` and `<textarea>`, whose `<` is escaped.
    public static func renderHTML(_ markdown: [UInt8], allowRawHTML: Bool) -> String {
        renderHTML(markdown, rawHTML: allowRawHTML ? .filtered : .omitted)
    }

    /// Renders `markdown` as an HTML fragment with the GFM extensions (tables, strikethrough, autolinks, task
    /// lists), treating raw HTML as `rawHTML` says.
    ///
    /// - Parameter headingIDs: An `id` attribute for each heading, in document order (as ``parse(_:)`` lists
    ///   them); the HTML heading carries it, so that a table of contents can link to it. Headings past the end of
    ///   the array, or with an empty id, get none. Ids are written into the attribute HTML-escaped.
    public static func renderHTML(_ markdown: [UInt8], rawHTML: RawHTML, headingIDs: [String] = []) -> String {
        lock.withLock { _ in renderHTMLLocked(markdown, rawHTML: rawHTML, headingIDs: headingIDs) }
    }

    private static func renderHTMLLocked(_ markdown: [UInt8], rawHTML: RawHTML, headingIDs: [String]) -> String {
        var options = CMARK_OPT_VALIDATE_UTF8
        if rawHTML != .omitted { options |= CMARK_OPT_UNSAFE }
        let extensions = rawHTML == .allowed ? extensionNames.filter { $0 != "tagfilter" } : extensionNames
        let parser = makeParser(options: options, extensions: extensions)
        defer { cmark_parser_free(parser) }
        feed(markdown, to: parser)
        guard let document = cmark_parser_finish(parser) else { return "" }
        defer { cmark_node_free(document) }
        // The replaced headings are freed only after rendering: their inline children's text points into them.
        let replacedHeadings = headingIDs.isEmpty ? [] : setHeadingIDs(headingIDs, in: document)
        defer { for heading in replacedHeadings { cmark_node_free(heading) } }
        // The tag filter only acts when the renderer receives the parser's extension list.
        guard let html = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser)) else {
            return ""
        }
        defer { free(html) }
        return String(cString: html)
    }

    /// Replaces each heading by a custom block that writes `<hN id="…">` and `</hN>` around the heading's inline
    /// children: cmark's HTML renderer has no attributes, but renders a custom block's enter and exit text as is.
    ///
    /// - Returns: The headings taken out of the tree, for the caller to free once it no longer uses the tree.
    private static func setHeadingIDs(_ ids: [String], in document: OpaquePointer) -> [OpaquePointer] {
        var headings: [OpaquePointer] = []
        guard let iterator = cmark_iter_new(document) else { return [] }
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            if event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator),
                cmark_node_get_type(node) == CMARK_NODE_HEADING
            {
                headings.append(node)
            }
        }
        cmark_iter_free(iterator)
        var replaced: [OpaquePointer] = []
        for (heading, id) in zip(headings, ids) where !id.isEmpty {
            guard let wrapper = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK) else { continue }
            let level = cmark_node_get_heading_level(heading)
            _ = cmark_node_set_on_enter(wrapper, "<h\(level) id=\"\(escapedAttribute(id))\">")
            _ = cmark_node_set_on_exit(wrapper, "</h\(level)>")
            var moved = true
            while moved, let child = cmark_node_first_child(heading) {
                moved = cmark_node_append_child(wrapper, child) != 0
            }
            guard moved, cmark_node_replace(heading, wrapper) != 0 else {
                cmark_node_free(wrapper)
                continue
            }
            replaced.append(heading)
        }
        return replaced
    }

    private static func escapedAttribute(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }

    private static func makeParser(options: Int32, extensions: [String] = extensionNames) -> OpaquePointer {
        precondition(extensionsRegistered)
        guard let parser = cmark_parser_new(options) else { fatalError("cmark_parser_new failed: out of memory") }
        for name in extensions {
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
