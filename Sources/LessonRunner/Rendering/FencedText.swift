/// A fenced code block to write into Markdown, with a fence that the content cannot close.
struct FencedText {
    var info: String
    var content: String
    var fenceCharacter: Character
    /// The shortest fence to use: an existing block's fence length, kept when the content allows it.
    var minimumFenceLength = 3

    /// The fence: at least ``minimumFenceLength`` characters, and longer than any run of the fence character in
    /// the content.
    var fence: String {
        var longest = 0
        var current = 0
        for character in content {
            current = character == fenceCharacter ? current + 1 : 0
            longest = max(longest, current)
        }
        return String(repeating: fenceCharacter, count: max(minimumFenceLength, 3, longest + 1))
    }

    /// The block's lines, the first behind `firstPrefix` and the rest behind `prefix`.
    ///
    /// - Parameter closeLine: Whether the closing fence ends with a line break.
    func lines(firstPrefix: String, prefix: String, newline: String, closeLine: Bool) -> String {
        let fence = self.fence
        var text = firstPrefix + fence + (info.isEmpty ? "" : info) + newline
        var body = Substring(content)
        if body.hasSuffix("\n") { body = body.dropLast() }
        if !content.isEmpty {
            for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
                text += (line.isEmpty ? Self.trimmingTrailingSpace(prefix) : prefix + line) + newline
            }
        }
        text += prefix + fence + (closeLine ? newline : "")
        return text
    }

    private static func trimmingTrailingSpace(_ text: String) -> String {
        var text = Substring(text)
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
