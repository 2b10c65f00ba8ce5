/// What a program wrote for a terminal, as HTML that shows it safely: every byte escaped, ANSI colours rendered
/// as colour, invalid UTF-8 shown, nothing dropped.
///
/// - ANSI SGR sequences (`ESC [ … m`) become `<span class="ansi-…">`: foreground colours 30–37 and 90–97
///   (`ansi-fg-red`, `ansi-fg-bright-red`), background colours 40–47 and 100–107 (`ansi-bg-…`), bold (1),
///   dim (2), italic (3), underline (4), and their resets (0, 22, 23, 24, 39, 49). Other SGR codes, such as
///   256-colour and RGB colours, are ignored; other escape sequences (cursor movement, titles) are removed.
/// - Each invalid UTF-8 sequence shows its bytes as `\xFF` in `<span class="invalid-utf8">`.
/// - CRLF and a lone CR become a line feed; other control characters (except tab) show as their Unicode control
///   pictures (␇ for BEL), as in the Markdown report.
public enum TerminalHTML {
    /// The bytes as HTML for the inside of a `<pre>`.
    public static func html(_ bytes: [UInt8]) -> String {
        var writer = Writer()
        var decoder = Decoder(bytes: bytes)
        var pending: Decoder.Piece? = nil
        while let piece = pending ?? decoder.next() {
            pending = nil
            guard case .scalar(let scalar) = piece else {
                if case .invalid(let invalid) = piece { writer.invalid(invalid) }
                continue
            }
            switch scalar.value {
            case 0x1B:
                pending = writer.escapeSequence(&decoder)
            case 0x0D:
                let next = decoder.next()
                writer.text("\n")
                if let next, next != .scalar("\n") { pending = next }
            case 0x0A, 0x09:
                writer.text(scalar)
            case 0x00..<0x20:
                writer.text(Unicode.Scalar(0x2400 + scalar.value)!)
            case 0x7F:
                writer.text("\u{2421}")
            default:
                writer.text(scalar)
            }
        }
        writer.finish()
        return writer.html
    }

    /// Splits bytes into scalars and the invalid UTF-8 sequences between them.
    struct Decoder {
        enum Piece: Equatable {
            case scalar(Unicode.Scalar)
            case invalid(ArraySlice<UInt8>)
        }

        let bytes: [UInt8]
        var index = 0

        mutating func next() -> Piece? {
            guard index < bytes.count else { return nil }
            var parser = Unicode.UTF8.ForwardParser()
            var iterator = bytes[index...].makeIterator()
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                index += encoded.count
                return .scalar(Unicode.UTF8.decode(encoded))
            case .error(let length):
                defer { index += length }
                return .invalid(bytes[index..<index + length])
            case .emptyInput:
                return nil
            }
        }
    }
}

extension TerminalHTML {
    /// The current SGR style.
    struct Style: Equatable {
        var foreground: String?
        var background: String?
        var bold = false
        var dim = false
        var italic = false
        var underline = false

        var classes: [String] {
            var classes: [String] = []
            if let foreground { classes.append("ansi-fg-" + foreground) }
            if let background { classes.append("ansi-bg-" + background) }
            if bold { classes.append("ansi-bold") }
            if dim { classes.append("ansi-dim") }
            if italic { classes.append("ansi-italic") }
            if underline { classes.append("ansi-underline") }
            return classes
        }

        static let colourNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

        /// Applies one SGR sequence's parameters.
        mutating func apply(_ parameters: [Int]) {
            var index = 0
            let parameters = parameters.isEmpty ? [0] : parameters
            while index < parameters.count {
                let code = parameters[index]
                switch code {
                case 0: self = Style()
                case 1: bold = true
                case 2: dim = true
                case 3: italic = true
                case 4: underline = true
                case 22: bold = false; dim = false
                case 23: italic = false
                case 24: underline = false
                case 30...37: foreground = Self.colourNames[code - 30]
                case 39: foreground = nil
                case 40...47: background = Self.colourNames[code - 40]
                case 49: background = nil
                case 90...97: foreground = "bright-" + Self.colourNames[code - 90]
                case 100...107: background = "bright-" + Self.colourNames[code - 100]
                case 38, 48:
                    // 256-colour (5;N) and RGB (2;R;G;B) colours are not rendered; skip their arguments.
                    let mode = index + 1 < parameters.count ? parameters[index + 1] : 0
                    index += mode == 5 ? 2 : mode == 2 ? 4 : 1
                default: break
                }
                index += 1
            }
        }
    }

    /// Accumulates HTML, opening and closing style spans lazily.
    struct Writer {
        var html = ""
        /// The style the next text takes.
        var style = Style()
        /// The style of the open `<span>`, if one is open.
        var openStyle: Style? = nil

        mutating func text(_ scalar: Unicode.Scalar) {
            syncStyle()
            HTMLText.appendEscaped(scalar, to: &html)
        }

        mutating func text(_ string: String) {
            for scalar in string.unicodeScalars { text(scalar) }
        }

        /// Shows invalid bytes as `\xFF` escapes, marked so a stylesheet can set them apart.
        mutating func invalid(_ bytes: ArraySlice<UInt8>) {
            syncStyle()
            html += "<span class=\"invalid-utf8\" title=\"invalid UTF-8\">"
            for byte in bytes {
                let hex = String(byte, radix: 16, uppercase: true)
                html += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            }
            html += "</span>"
        }

        mutating func finish() {
            if openStyle != nil { html += "</span>" }
            openStyle = nil
        }

        private mutating func syncStyle() {
            guard openStyle != style else { return }
            if openStyle != nil { html += "</span>" }
            openStyle = nil
            let classes = style.classes
            if !classes.isEmpty {
                html += "<span class=\"" + classes.joined(separator: " ") + "\">"
                openStyle = style
            }
        }

        /// Reads the rest of an escape sequence after ESC and applies it if it is SGR; returns a scalar read past
        /// it that belongs to the text.
        mutating func escapeSequence(_ decoder: inout Decoder) -> Decoder.Piece? {
            func next() -> Unicode.Scalar? {
                switch decoder.next() {
                case .scalar(let scalar): return scalar
                case .invalid(let bytes):
                    invalid(bytes)  // Ends the sequence, and stays visible.
                    return nil
                case nil: return nil
                }
            }
            guard let introducer = next() else { return nil }
            switch introducer {
            case "[":
                var parameterText = ""
                while let scalar = next() {
                    if (0x40...0x7E).contains(scalar.value) {
                        if scalar == "m" {
                            style.apply(parameterText.split(separator: ";", omittingEmptySubsequences: false)
                                .map { Int($0) ?? 0 })
                        }
                        return nil
                    }
                    parameterText.unicodeScalars.append(scalar)
                }
                return nil
            case "]":
                while let scalar = next() {
                    if scalar == "\u{07}" { return nil }
                    if scalar == "\u{1B}" {
                        _ = next()
                        return nil
                    }
                }
                return nil
            default:
                if introducer == "(" || introducer == ")" { _ = next() }
                return nil
            }
        }
    }
}
