/// Text placed into Markdown prose.
enum MarkdownText {
    /// Backslash-escapes the characters that would start emphasis, code, links or HTML.
    static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            if "\\`*_[]<>#|~".contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }
}
