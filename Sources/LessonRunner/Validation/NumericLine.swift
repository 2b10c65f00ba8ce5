/// A line of literal text with numbers that may vary within a range, written `{{…}}` in a line ending
/// ` (num)`:
///
/// | Placeholder | A number that is |
/// |---|---|
/// | `{{3.1416 ± 0.01}}` or `{{3.1416 +- 0.01}}` | within 0.01 of 3.1416 |
/// | `{{< 2.5}}`, `{{<= 2.5}}`, `{{> 0}}`, `{{>= 0}}` | below, at most, above, at least the bound |
/// | `{{1..10}}` | from 1 to 10, both included |
/// | `{{*}}` | any number |
///
/// A number is written as Swift prints a `Double` or an integer: `-12`, `3.14`, `1e-05`, `inf` is not one.
public struct NumericLine: Hashable, Sendable {
    /// A piece of the line.
    public enum Segment: Hashable, Sendable {
        /// Text that must appear as written.
        case text(String)
        /// A number that must be in the range.
        case number(NumberRange)
    }

    /// The pieces of the line, in order.
    public var segments: [Segment]

    /// Reads the text before ` (num)`.
    ///
    /// - Throws: ``PatternError`` for an unclosed `{{`, a placeholder that cannot be read, or a line without one.
    public init(_ text: String) throws(PatternError) {
        var segments: [Segment] = []
        var rest = Substring(text)
        while let open = rest.firstRange(of: "{{") {
            if open.lowerBound > rest.startIndex { segments.append(.text(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].firstRange(of: "}}") else {
                throw PatternError(line: nil, "`{{` without a closing `}}` in a numeric line")
            }
            segments.append(.number(try NumberRange(String(rest[open.upperBound..<close.lowerBound]))))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { segments.append(.text(String(rest))) }
        guard segments.contains(where: { if case .number = $0 { true } else { false } }) else {
            throw PatternError(
                line: nil, "a line ending ` (num)` needs a `{{…}}` placeholder such as `{{3.14 ± 0.01}}`")
        }
        self.segments = segments
    }

    /// Whether `line` is the text with a number in range at each placeholder.
    public func matches(_ line: String) -> Bool {
        guard let regex = try? Regex(regexSource) else { return false }
        return matches(line, regex: regex)
    }

    /// ``matches(_:)`` with the line's regex (``regexSource``) compiled already.
    func matches(_ line: String, regex: Regex<AnyRegexOutput>) -> Bool {
        guard let match = line.wholeMatch(of: regex) else { return false }
        var captures = match.output.dropFirst().makeIterator()
        for segment in segments {
            guard case .number(let range) = segment else { continue }
            guard let capture = captures.next()?.substring, let value = Double(String(capture)),
                range.contains(value)
            else { return false }
        }
        return true
    }

    /// The whole line as a regular expression with one capture per number.
    var regexSource: String {
        segments.map { segment in
            switch segment {
            case .text(let text): RegexEscaping.escaped(text)
            case .number: "([-+]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?)"
            }
        }.joined()
    }
}

/// The numbers a `{{…}}` placeholder accepts.
public enum NumberRange: Hashable, Sendable {
    /// Within `tolerance` of `value`, both ends included.
    case approximately(Double, tolerance: Double)
    /// From `lower` to `upper`, both included.
    case between(Double, Double)
    /// Below the bound (`<`), or at most the bound when `inclusive` (`<=`).
    case below(Double, inclusive: Bool)
    /// Above the bound (`>`), or at least the bound when `inclusive` (`>=`).
    case above(Double, inclusive: Bool)
    /// Any number (`*`).
    case any

    /// Reads the text between `{{` and `}}`.
    init(_ text: String) throws(PatternError) {
        let spec = text.filter { $0 != " " }
        func number(_ text: Substring) throws(PatternError) -> Double {
            guard let value = Double(String(text)), value.isFinite else {
                throw PatternError(line: nil, "`\(text)` in `{{\(text)}}` is not a number")
            }
            return value
        }
        if spec == "*" {
            self = .any
        } else if let sign = spec.firstRange(of: "±") ?? spec.firstRange(of: "+-") {
            let tolerance = abs(try number(spec[sign.upperBound...]))
            self = .approximately(try number(spec[..<sign.lowerBound]), tolerance: tolerance)
        } else if spec.hasPrefix("<=") {
            self = .below(try number(spec.dropFirst(2)), inclusive: true)
        } else if spec.hasPrefix("<") {
            self = .below(try number(spec.dropFirst()), inclusive: false)
        } else if spec.hasPrefix(">=") {
            self = .above(try number(spec.dropFirst(2)), inclusive: true)
        } else if spec.hasPrefix(">") {
            self = .above(try number(spec.dropFirst()), inclusive: false)
        } else if let dots = spec.firstRange(of: "...") ?? spec.firstRange(of: "..") {
            self = .between(try number(spec[..<dots.lowerBound]), try number(spec[dots.upperBound...]))
        } else {
            throw PatternError(line: nil, "cannot read `{{\(text)}}`: write `{{X ± T}}`, `{{< B}}`, `{{<= B}}`, "
                + "`{{> B}}`, `{{>= B}}`, `{{A..B}}` or `{{*}}`")
        }
    }

    /// Whether `value` is in the range.
    public func contains(_ value: Double) -> Bool {
        switch self {
        case .approximately(let center, let tolerance): abs(value - center) <= tolerance * (1 + 1e-12)
        case .between(let lower, let upper): lower <= value && value <= upper
        case .below(let bound, let inclusive): inclusive ? value <= bound : value < bound
        case .above(let bound, let inclusive): inclusive ? value >= bound : value > bound
        case .any: true
        }
    }
}

/// Literal text inside a regular expression.
enum RegexEscaping {
    static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            if "\\^$.|?*+()[]{}".contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }
}
