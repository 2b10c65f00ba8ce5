/// Arguments typed as one line of text (a live page's arguments field), split as a cell's `args=` is.
public enum DemoArguments {
    /// Why a line of arguments cannot be split.
    public struct SplitError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The 1-based column of the quote that opens and never closes.
        public var column: Int
        /// The quote, `"` or `'`.
        public var quote: Character

        public var description: String { "the \(quote) at column \(column) is never closed" }
    }

    /// The words of `text`: split at spaces and tabs, with `'…'`, `"…"` and backslashes quoting as in a shell, and
    /// nothing else of a shell (no variables, globs or commands).
    public static func split(_ text: String) throws(SplitError) -> [String] {
        switch ShellWords.split(Array(text.utf8)) {
        case .success(let words): return words.map(\.text)
        case .failure(let error): throw SplitError(column: error.offset + 1, quote: error.quote)
        }
    }
}
