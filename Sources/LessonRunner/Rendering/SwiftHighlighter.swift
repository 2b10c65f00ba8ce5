import SwiftIDEUtils
import SwiftParser
import SwiftSyntax

/// Swift source as HTML with `<span class="hl-…">` around tokens, classified by swift-syntax's parser.
///
/// The classes come from `SwiftIDEUtils`' syntax classifier, the one editors use: `hl-keyword`, `hl-type`,
/// `hl-identifier`, `hl-string`, `hl-number`, `hl-comment`, `hl-attribute`, `hl-operator`, `hl-directive`,
/// `hl-label`, `hl-regex`, `hl-placeholder`. A cell's code is often a fragment (a `return` at top level, an
/// undeclared variable); the parser recovers from that and still classifies every token.
public enum SwiftHighlighter {
    /// The code as escaped HTML with highlighting spans; every byte of `code` is kept.
    public static func html(_ code: String) -> String {
        let tree = Parser.parse(source: code)
        let bytes = Array(code.utf8)
        var result = ""
        result.reserveCapacity(bytes.count * 2)
        var position = 0
        for range in tree.classifications {
            let start = range.range.lowerBound.utf8Offset
            let end = min(range.range.upperBound.utf8Offset, bytes.count)
            guard start >= position, start < end else { continue }
            if start > position { result += HTMLText.escaped(text(bytes[position..<start])) }
            let escaped = HTMLText.escaped(text(bytes[start..<end]))
            if let name = className(range.kind) {
                result += "<span class=\"hl-\(name)\">" + escaped + "</span>"
            } else {
                result += escaped
            }
            position = end
        }
        if position < bytes.count { result += HTMLText.escaped(text(bytes[position...])) }
        return result
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    private static func className(_ kind: SyntaxClassification) -> String? {
        switch kind {
        case .keyword: "keyword"
        case .type: "type"
        case .identifier, .dollarIdentifier: "identifier"
        case .stringLiteral: "string"
        case .integerLiteral, .floatLiteral: "number"
        case .lineComment, .blockComment, .docLineComment, .docBlockComment: "comment"
        case .attribute: "attribute"
        case .operator: "operator"
        case .ifConfigDirective: "directive"
        case .argumentLabel: "label"
        case .regexLiteral: "regex"
        case .editorPlaceholder: "placeholder"
        case .none: nil
        @unknown default: nil
        }
    }
}
