/// A ``PatternLine`` made ready to test many lines: its regex compiled once, its text sanitized.
struct LineMatcher {
    private enum Test {
        case literal(String)
        case anyLines
        case regex(Regex<AnyRegexOutput>)
        case numeric(NumericLine, Regex<AnyRegexOutput>)
    }

    private let test: Test

    init(_ line: PatternLine, sanitizers: [Sanitizer]) {
        switch line {
        case .literal(let text):
            test = .literal(Sanitizer.apply(sanitizers, to: text))
        case .anyLines:
            test = .anyLines
        case .regex(let source):
            // The parser has compiled it once already; a regex that cannot compile matches nothing.
            test = (try? Regex(source)).map { .regex($0) } ?? .literal("\u{0}")
        case .glob(let glob):
            let source = Glob.regexSource(Sanitizer.apply(sanitizers, to: glob))
            test = (try? Regex(source)).map { .regex($0) } ?? .literal("\u{0}")
        case .numeric(let numeric):
            test = (try? Regex(numeric.regexSource)).map { .numeric(numeric, $0) } ?? .literal("\u{0}")
        }
    }

    /// Whether the pattern is `...`.
    var isAnyLines: Bool {
        if case .anyLines = test { return true }
        return false
    }

    /// Whether the (sanitized) actual line matches; `...` matches no single line here.
    func matches(_ line: String) -> Bool {
        switch test {
        case .literal(let text): text == line
        case .anyLines: false
        case .regex(let regex): (try? regex.wholeMatch(in: line)) != nil
        case .numeric(let numeric, let regex): numeric.matches(line, regex: regex)
        }
    }
}

/// Globs: `*` any characters, `?` one character, `\` takes the next character literally.
enum Glob {
    static func regexSource(_ glob: String) -> String {
        var source = ""
        var escaping = false
        for character in glob {
            if escaping {
                source += RegexEscaping.escaped(String(character))
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else if character == "*" {
                source += ".*"
            } else if character == "?" {
                source += "."
            } else {
                source += RegexEscaping.escaped(String(character))
            }
        }
        if escaping { source += "\\\\" }
        return source
    }
}
