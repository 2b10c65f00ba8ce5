/// Turns what a program wrote for a terminal into plain text for a document.
enum TerminalText {
    /// Removes ANSI escape sequences (colours, cursor movement), turns CRLF and lone CR into LF, and shows other
    /// control characters (except tab) as their Unicode control pictures, so none of them reaches a report raw.
    static func plain(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let scalar = pending ?? scalars.next() {
            pending = nil
            switch scalar.value {
            case 0x1B:
                pending = skipEscapeSequence(&scalars)
            case 0x0D:
                let next = scalars.next()
                result.append("\n")
                if let next, next != "\n" { pending = next }
            case 0x0A, 0x09:
                result.append(scalar)
            case 0x00..<0x20:
                result.append(Unicode.Scalar(0x2400 + scalar.value)!)
            case 0x7F:
                result.append("\u{2421}")
            default:
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// Skips the rest of an escape sequence after ESC; returns a scalar read past it that belongs to the text.
    private static func skipEscapeSequence(_ scalars: inout String.UnicodeScalarView.Iterator) -> Unicode.Scalar? {
        guard let introducer = scalars.next() else { return nil }
        switch introducer {
        case "[":
            // CSI: parameters and intermediates, then one final byte in 0x40...0x7E.
            while let scalar = scalars.next() {
                if (0x40...0x7E).contains(scalar.value) { return nil }
            }
            return nil
        case "]":
            // OSC: up to BEL or ESC \.
            while let scalar = scalars.next() {
                if scalar == "\u{07}" { return nil }
                if scalar == "\u{1B}" {
                    _ = scalars.next()
                    return nil
                }
            }
            return nil
        default:
            // A two-character sequence such as ESC c or ESC (B takes one more.
            if introducer == "(" || introducer == ")" { _ = scalars.next() }
            return nil
        }
    }
}
