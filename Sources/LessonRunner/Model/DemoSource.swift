/// The part of a demo's source file that a lesson shows: the lines between `// ANCHOR: shown` and
/// `// ANCHOR_END: shown` (mdBook's anchor comments), or the whole file when it has no such anchor.
///
/// ```swift
/// extension Demo {
///     public static let processHello = Demo("process-hello", summary: "…") { _ in
///         // ANCHOR: shown
///         let process = Process(target: greet, arguments: "bob")
///         try process.start()
///         try process.join()
///         // ANCHOR_END: shown
///         return 0
///     }
/// }
/// ```
///
/// The shown lines lose their common indentation and their trailing whitespace. Lines holding another anchor
/// comment (`// ANCHOR: other`) are left out, so a file may mark several regions; only `shown` is used.
public struct DemoSource: Sendable, Hashable {
    /// The file the demo is declared in.
    public var file: DemoSourceFile
    /// The shown code, dedented, each line ending in "\n".
    public var code: String
    /// The 1-based line in ``file`` of each line of ``code``.
    public var lineNumbers: [Int]

    /// The anchor comment that opens and closes the shown region.
    public static let anchorName = "shown"

    /// The shown part of `file`.
    ///
    /// - Throws: A message when an anchor is opened and never closed, closed without being opened, or given
    ///   twice.
    public init(file: DemoSourceFile) throws(DemoSourceError) {
        self.file = file
        // `isNewline`: "\r\n" is one Character, so splitting at "\n" alone would miss it.
        let lines = file.text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map {
            var line = $0
            while let last = line.last, last == " " || last == "\t" { line.removeLast() }
            return line
        }
        var start: Int?
        var end: Int?
        for (index, line) in lines.enumerated() {
            guard let anchor = Self.anchor(in: line), anchor.name == Self.anchorName else { continue }
            if anchor.isEnd {
                guard start != nil else {
                    throw DemoSourceError(
                        file: file, line: index + 1, "`// ANCHOR_END: shown` before `// ANCHOR: shown`")
                }
                guard end == nil else {
                    throw DemoSourceError(file: file, line: index + 1, "a second `// ANCHOR_END: shown`")
                }
                end = index
            } else {
                guard start == nil else {
                    throw DemoSourceError(
                        file: file, line: index + 1, "a second `// ANCHOR: shown`; a file shows one region")
                }
                start = index
            }
        }
        var range = 0..<lines.count
        if let start {
            guard let end else {
                throw DemoSourceError(
                    file: file, line: start + 1, "`// ANCHOR: shown` is never closed: add `// ANCHOR_END: shown`")
            }
            range = (start + 1)..<end
        }
        if range.isEmpty == false, range.upperBound == lines.count, lines[range.upperBound - 1].isEmpty {
            range = range.lowerBound..<(range.upperBound - 1)  // the file's final line break
        }
        let kept = range.filter { Self.anchor(in: lines[$0]) == nil }
        let indentation = kept.compactMap { index -> Int? in
            let line = lines[index]
            guard line.contains(where: { $0 != " " && $0 != "\t" }) else { return nil }
            return line.prefix { $0 == " " || $0 == "\t" }.count
        }.min() ?? 0
        code = kept.map { index in
            let line = lines[index]
            return String(line.dropFirst(indentation)) + "\n"
        }.joined()
        lineNumbers = kept.map { $0 + 1 }
    }

    /// The anchor a line holds, if it is an anchor comment: `// ANCHOR: name` or `// ANCHOR_END: name`.
    private static func anchor(in line: Substring) -> (name: Substring, isEnd: Bool)? {
        let text = line.drop { $0 == " " || $0 == "\t" }
        guard text.hasPrefix("//") else { return nil }
        let comment = text.dropFirst(2).drop { $0 == " " }
        for (keyword, isEnd) in [("ANCHOR_END:", true), ("ANCHOR:", false)] where comment.hasPrefix(keyword) {
            let name = comment.dropFirst(keyword.count).drop { $0 == " " }
            return (name.prefix { $0 != " " && $0 != "\t" }, isEnd)
        }
        return nil
    }
}

/// A demo source whose anchors do not make sense.
public struct DemoSourceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file, relative to its package.
    public var path: String
    /// The 1-based line of the anchor at fault.
    public var line: Int
    /// What is wrong.
    public var message: String

    init(file: DemoSourceFile, line: Int, _ message: String) {
        self.path = file.path
        self.line = line
        self.message = message
    }

    public var description: String { "\(path):\(line): \(message)" }
}
