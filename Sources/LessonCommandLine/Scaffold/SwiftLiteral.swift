/// Text as it is written in generated Swift and shell scripts.
enum SwiftLiteral {
    /// `text` as a Swift string literal, in quotes, with `\`, `"` and control characters escaped.
    static func string(_ text: String) -> String {
        var literal = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": literal += "\\\\"
            case "\"": literal += "\\\""
            case "\n": literal += "\\n"
            case "\t": literal += "\\t"
            case "\r": literal += "\\r"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                literal += "\\u{\(String(scalar.value, radix: 16))}"
            default: literal.unicodeScalars.append(scalar)
            }
        }
        return literal + "\""
    }
}

/// Words as a POSIX shell reads them.
enum ShellQuote {
    /// `word` as is when the shell would read it unchanged, else in single quotes (`'it'\''s'`).
    static func word(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || "-_./=+:,@%".unicodeScalars.contains(scalar)
        }
        if plain { return word }
        return "'" + word.replacing("'", with: "'\\''") + "'"
    }
}
