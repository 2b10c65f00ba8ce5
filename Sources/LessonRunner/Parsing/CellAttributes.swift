import Multiprocessing

/// What a cell's info string says, checked: the demo, the id and the ``CellOptions``.
///
/// Every problem becomes a diagnostic at the column of the attribute that has it, so that one pass reports them
/// all; a value that is wrong leaves the option at its default.
struct CellAttributes {
    /// The attributes a cell takes.
    static let knownKeys = ["demo", "id", "timeout", "args", "skip", "expect"]

    /// The demo name, when `demo=` has a value (registered or not).
    var demo: String?
    /// The column of the `demo` attribute.
    var demoColumn: Int
    /// The explicit, valid `id=` value.
    var id: String?
    /// The column of the `id` attribute, when there is one, valid or not.
    var idColumn: Int?
    /// The options, defaults where an attribute is missing or wrong.
    var options = CellOptions()
    /// The problems found.
    var diagnostics: [LessonDiagnostic] = []

    /// Checks `attributes` of a cell whose info string stands on `line` of `file`.
    init(_ attributes: [InfoStringTokenizer.Attribute], line: Int, file: String, demos: DemoCatalog) {
        demoColumn = attributes.first { $0.key == "demo" }?.column ?? 1
        var seen: [String: Int] = [:]
        for attribute in attributes {
            let location = SourceLocation(file: file, line: line, column: attribute.column)
            func fail(_ message: String) { diagnostics.append(LessonDiagnostic(at: location, message)) }
            guard attribute.hasValidKey else {
                fail("bad attribute `\(attribute.raw)`: write `key=value` or a bare `key` with a key made of letters, "
                    + "digits, `-` and `_`")
                continue
            }
            guard Self.knownKeys.contains(attribute.key) else {
                if let near = EditDistance.closest(to: attribute.key, in: Self.knownKeys) {
                    fail("unknown attribute `\(attribute.key)`; did you mean `\(near)`?")
                } else {
                    fail("unknown attribute `\(attribute.key)`: a cell takes "
                        + "\(Self.knownKeys.map { "`\($0)`" }.joined(separator: ", "))")
                }
                continue
            }
            if let first = seen[attribute.key] {
                fail("duplicate attribute `\(attribute.key)` (first at column \(first)): give each attribute once")
                continue
            }
            seen[attribute.key] = attribute.column
            if let message = apply(attribute, file: file, line: line, demos: demos) { fail(message) }
        }
    }

    /// Applies one known attribute; returns the message when its value is wrong.
    private mutating func apply(
        _ attribute: InfoStringTokenizer.Attribute, file: String, line: Int, demos: DemoCatalog
    ) -> String? {
        let value = attribute.value ?? ""
        switch attribute.key {
        case "demo":
            guard !value.isEmpty else {
                return "missing demo value: write `demo=NAME` with the name of a registered demo"
            }
            demo = value
            return demos.contains(value) ? nil : Self.unknownDemoMessage(value, demos: demos)
        case "id":
            idColumn = attribute.column
            guard !value.isEmpty else {
                return "missing id value: write `id=NAME` with letters, digits, `.`, `_` and `-`"
            }
            guard value.utf8.allSatisfy(Self.isIDByte) else {
                return "invalid id `\(value)`: use only letters, digits, `.`, `_` and `-`"
            }
            id = value
        case "timeout":
            guard !value.isEmpty else { return "missing timeout value: write a duration such as `timeout=10s`" }
            switch DurationParser.parse(value) {
            case .success(let duration): options.timeout = duration
            case .failure(.missingUnit):
                return "timeout `\(value)` has no unit: write `\(value)ms`, `\(value)s` or `\(value)m`"
            case .failure(.malformed):
                return "invalid timeout `\(value)`: write a number with the unit `ms`, `s` or `m`, such as `500ms` "
                    + "or `1.5s`"
            case .failure(.notPositive): return "timeout `\(value)` is not greater than zero: give a positive duration"
            case .failure(.tooLarge): return "timeout `\(value)` is too large: give a shorter duration"
            }
        case "args":
            guard attribute.value != nil else {
                return "missing args value: write `args=\"…\"` with the demo's arguments"
            }
            switch ShellWords.split(attribute.valueBytes) {
            case .success(let words): options.arguments = words.map(\.text)
            case .failure(let error):
                let column = attribute.valueColumns[error.offset]
                diagnostics.append(LessonDiagnostic(
                    at: SourceLocation(file: file, line: line, column: column),
                    "unterminated `\(error.quote)` in the args value: add the closing `\(error.quote)`"))
            }
        case "skip":
            switch attribute.value {
            case nil, "true": options.skip = true
            case "false": options.skip = false
            default: return "invalid skip value `\(value)`: write `skip`, `skip=true` or `skip=false`"
            }
        case "expect":
            switch Self.parseExpectation(value) {
            case .success(let expectation): options.expectation = expectation
            case .failure(let message): return message.text
            }
        default:
            break
        }
        return nil
    }

    private struct Message: Error { var text: String }

    private static func parseExpectation(_ value: String) -> Result<ExitExpectation, Message> {
        let forms = "write `expect=success`, `expect=failure`, `expect=exit:N`, `expect=signal:NAME`, "
            + "`expect=crash` or `expect=timeout`"
        switch value {
        case "success": return .success(.success)
        case "failure": return .success(.failure)
        case "crash": return .success(.crash)
        case "timeout": return .success(.timeout)
        default: break
        }
        if value.hasPrefix("exit:") {
            let code = value.dropFirst("exit:".count)
            guard let number = Int32(code), (0...255).contains(number) else {
                return .failure(Message(text: "invalid exit code `\(code)` in `expect`: write a number from 0 to 255"))
            }
            return .success(.exitCode(number))
        }
        if value.hasPrefix("signal:") {
            let name = String(value.dropFirst("signal:".count))
            guard !name.isEmpty, let signal = Signal(name: name) else {
                return .failure(Message(
                    text: "unknown signal `\(name)` in `expect`: write a name such as `SIGABRT` or a number from 1 "
                        + "to 64"))
            }
            return .success(.signal(signal))
        }
        if value.isEmpty { return .failure(Message(text: "missing expect value: \(forms)")) }
        return .failure(Message(text: "invalid expect value `\(value)`: \(forms)"))
    }

    private static func unknownDemoMessage(_ name: String, demos: DemoCatalog) -> String {
        let names = demos.demos.map(\.name)
        if let near = EditDistance.closest(to: name, in: names) {
            return "unknown demo `\(name)`; did you mean `\(near)`?"
        }
        if names.isEmpty { return "unknown demo `\(name)`: no demos are registered" }
        let shown = names.prefix(8).map { "`\($0)`" }.joined(separator: ", ")
        return "unknown demo `\(name)`: register it or use one of \(shown)\(names.count > 8 ? ", …" : "")"
    }

    private static func isIDByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default: false
        }
    }
}
