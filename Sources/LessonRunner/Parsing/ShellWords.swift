/// Splits text into words the way a POSIX shell does, without expanding anything.
///
/// Words are separated by unquoted spaces and tabs. `'…'` keeps everything literally; `"…"` keeps everything
/// but lets a backslash escape the next character; outside quotes a backslash escapes the next character too.
/// Quoted and unquoted parts next to each other form one word: `--name="a b"` is the word `--name=a b`.
///
/// ```swift
/// ShellWords.split(Array(#"--samples 1000 'two words' "say \"hi\"""#.utf8))
/// // .success: ["--samples", "1000", "two words", #"say "hi""#]
/// ```
enum ShellWords {
    /// One word, with where each of its bytes came from.
    struct Word: Hashable, Sendable {
        /// The word's bytes, quotes and escaping backslashes removed.
        var bytes: [UInt8] = []
        /// For each byte of ``bytes``, its offset in the split text.
        var sourceOffsets: [Int] = []
        /// For each byte of ``bytes``, whether it stood inside quotes or after a backslash.
        var isQuoted: [Bool] = []
        /// The offsets of the word's first byte and just past its last byte in the split text.
        var sourceRange: Range<Int>

        /// The word as a string.
        var text: String { String(decoding: bytes, as: UTF8.self) }

        /// The index in ``bytes`` of the first `byte` that was neither quoted nor escaped.
        func firstUnquoted(_ byte: UInt8) -> Int? {
            bytes.indices.first { bytes[$0] == byte && !isQuoted[$0] }
        }
    }

    /// A quote that opens but never closes.
    struct UnterminatedQuote: Error, Hashable, Sendable {
        /// The offset of the opening quote in the split text.
        var offset: Int
        /// The quote character, `"` or `'`.
        var quote: Character
    }

    /// The words of `text`, or where an unterminated quote opens.
    static func split<Bytes: RandomAccessCollection<UInt8>>(_ text: Bytes) -> Result<[Word], UnterminatedQuote>
    where Bytes.Index == Int {
        var words: [Word] = []
        var current: Word?
        var index = text.startIndex
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
        let single = UInt8(ascii: "'"), double = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

        func append(_ byte: UInt8, at offset: Int, quoted: Bool) {
            current!.bytes.append(byte)
            current!.sourceOffsets.append(offset)
            current!.isQuoted.append(quoted)
        }

        while index < text.endIndex {
            let byte = text[index]
            if byte == space || byte == tab {
                if var word = current {
                    word.sourceRange = word.sourceRange.lowerBound..<index
                    words.append(word)
                    current = nil
                }
                index += 1
                continue
            }
            if current == nil { current = Word(sourceRange: index..<index) }
            switch byte {
            case single:
                let opening = index
                index += 1
                while index < text.endIndex, text[index] != single {
                    append(text[index], at: index, quoted: true)
                    index += 1
                }
                guard index < text.endIndex else { return .failure(UnterminatedQuote(offset: opening, quote: "'")) }
                index += 1
            case double:
                let opening = index
                index += 1
                while index < text.endIndex, text[index] != double {
                    if text[index] == backslash, index + 1 < text.endIndex { index += 1 }
                    append(text[index], at: index, quoted: true)
                    index += 1
                }
                guard index < text.endIndex else { return .failure(UnterminatedQuote(offset: opening, quote: "\"")) }
                index += 1
            case backslash where index + 1 < text.endIndex:
                append(text[index + 1], at: index + 1, quoted: true)
                index += 2
            default:
                append(byte, at: index, quoted: false)
                index += 1
            }
        }
        if var word = current {
            word.sourceRange = word.sourceRange.lowerBound..<index
            words.append(word)
        }
        return .success(words)
    }
}
