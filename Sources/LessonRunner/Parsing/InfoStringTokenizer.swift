/// Splits a fenced block's info string into its language and its `key=value` attributes.
///
/// ````markdown
/// ```swift demo=pool-map timeout=1.5s args="--processes 4" skip
/// ````
///
/// gives the language `swift` and the attributes `demo`, `timeout`, `args` (value `--processes 4`) and the flag
/// `skip`. Words are split as ``ShellWords`` splits them, so values may be quoted with `"…"` or `'…'`.
struct InfoStringTokenizer {
    /// One `key=value` or bare `key` in an info string.
    struct Attribute: Hashable, Sendable {
        /// The text before the first unquoted `=`, or the whole word for a flag.
        var key: String
        /// The unquoted value after `=`; `nil` for a bare flag, empty for `key=`.
        var value: String?
        /// The value's bytes, quotes removed, for splitting it further (`args`).
        var valueBytes: [UInt8]
        /// For each of ``valueBytes``, its 1-based byte column in the source line.
        var valueColumns: [Int]
        /// The attribute as written, quotes included.
        var raw: String
        /// The 1-based byte column of the attribute's first character in its source line.
        var column: Int
        /// Whether the key is well formed: ASCII letters, digits, `-` and `_`, none of them quoted.
        var hasValidKey: Bool
    }

    /// An info string's parts.
    struct Tokens: Hashable, Sendable {
        /// The first word, when it has no `=`.
        var language: String?
        /// The attributes after the language, in order.
        var attributes: [Attribute]
    }

    /// A quote in the info string that never closes.
    struct UnterminatedQuote: Error, Hashable, Sendable {
        /// The 1-based byte column of the opening quote.
        var column: Int
        /// The quote character.
        var quote: Character
    }

    /// Tokenizes `info`, the rest of a line after the opening fence, whose first byte stands at `column`.
    static func tokenize(_ info: ArraySlice<UInt8>, column: Int) -> Result<Tokens, UnterminatedQuote> {
        let bytes = Array(info)
        let words: [ShellWords.Word]
        switch ShellWords.split(bytes) {
        case .success(let split): words = split
        case .failure(let error): return .failure(UnterminatedQuote(column: column + error.offset, quote: error.quote))
        }
        var tokens = Tokens(language: nil, attributes: [])
        for (position, word) in words.enumerated() {
            let equals = word.firstUnquoted(UInt8(ascii: "="))
            if position == 0, equals == nil {
                tokens.language = word.text
                continue
            }
            let keyEnd = equals ?? word.bytes.count
            let keyBytes = word.bytes[..<keyEnd]
            let valueStart = equals.map { $0 + 1 } ?? word.bytes.count
            let validKey = !keyBytes.isEmpty && word.isQuoted[..<keyEnd].allSatisfy { !$0 }
                && keyBytes.allSatisfy { isKeyByte($0) }
            tokens.attributes.append(Attribute(
                key: String(decoding: keyBytes, as: UTF8.self),
                value: equals == nil ? nil : String(decoding: word.bytes[valueStart...], as: UTF8.self),
                valueBytes: Array(word.bytes[valueStart...]),
                valueColumns: word.sourceOffsets[valueStart...].map { column + $0 },
                raw: String(decoding: bytes[word.sourceRange], as: UTF8.self),
                column: column + word.sourceRange.lowerBound,
                hasValidKey: validKey
            ))
        }
        return .success(tokens)
    }

    private static func isKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default: false
        }
    }
}
