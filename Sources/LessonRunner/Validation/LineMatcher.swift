/// A ``PatternLine`` made ready to test many lines: its regex compiled once, its text sanitized.
struct LineMatcher {
    private enum Test {
        case literal(String)
        case anyLines
        case regex(Regex<AnyRegexOutput>)
        case glob(Glob)
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
            test = .glob(Glob(Sanitizer.apply(sanitizers, to: glob)))
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
        case .glob(let glob): glob.matches(line)
        case .numeric(let numeric, let regex): numeric.matches(line, regex: regex)
        }
    }
}

/// Globs: `*` any characters, `?` one character, `\` takes the next character literally.
///
/// Matched directly, not as a regex: a backtracking regex takes exponential time on a glob of many `*` against a
/// line it does not match (found by fuzzing: `*********************x (glob)` hung `lesson check`). This takes at
/// most (glob length × line length) steps.
struct Glob {
    private enum Token: Equatable {
        case character(Character)
        case anyCharacter
        case anyCharacters
    }

    private let tokens: [Token]

    init(_ glob: String) {
        var tokens: [Token] = []
        var escaping = false
        for character in glob {
            if escaping {
                tokens.append(.character(character))
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else if character == "*" {
                if tokens.last != .anyCharacters { tokens.append(.anyCharacters) }  // `**` is `*`.
            } else if character == "?" {
                tokens.append(.anyCharacter)
            } else {
                tokens.append(.character(character))
            }
        }
        if escaping { tokens.append(.character("\\")) }
        self.tokens = tokens
    }

    /// Whether the glob matches all of `line`: each `*` takes as few characters as it can, and the last `*` seen
    /// takes one more when what follows it fails (no earlier `*` need ever take more).
    func matches(_ line: String) -> Bool {
        let characters = Array(line)
        var (t, c) = (0, 0)
        var lastStar: (token: Int, character: Int)? = nil
        while c < characters.count {
            if t < tokens.count {
                switch tokens[t] {
                case .anyCharacters:
                    lastStar = (t, c)
                    t += 1
                    continue
                case .anyCharacter:
                    t += 1
                    c += 1
                    continue
                case .character(let expected) where expected == characters[c]:
                    t += 1
                    c += 1
                    continue
                case .character:
                    break
                }
            }
            guard let star = lastStar else { return false }
            lastStar = (star.token, star.character + 1)
            (t, c) = (star.token + 1, star.character + 1)
        }
        return tokens[t...].allSatisfy { $0 == .anyCharacters }
    }
}
