/// Text placed into HTML: element content and attribute values.
public enum HTMLText {
    /// Escapes `&`, `<`, `>`, `"` and `'`, so the text shows as written in content and in quoted attributes.
    public static func escaped(_ text: some StringProtocol) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            appendEscaped(scalar, to: &result)
        }
        return result
    }

    /// Appends one scalar, escaped.
    static func appendEscaped(_ scalar: Unicode.Scalar, to result: inout String) {
        switch scalar {
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "\"": result += "&quot;"
        case "'": result += "&#39;"
        default: result.unicodeScalars.append(scalar)
        }
    }
}
