#if canImport(Glibc)
import Glibc
#endif

/// Unbuffered writes to the standard streams, so the tool's lines and a cell's live output keep their order.
struct Terminal {
    let descriptor: Int32

    static let standardOutput = Terminal(descriptor: STDOUT_FILENO)
    static let standardError = Terminal(descriptor: STDERR_FILENO)

    /// Whether the stream is a terminal that takes colour (not when `NO_COLOR` is set).
    var supportsColor: Bool { isatty(descriptor) == 1 && getenv("NO_COLOR") == nil && getenv("TERM").map {
        String(cString: $0) != "dumb" } ?? false }

    /// Whether the stream is a terminal.
    var isTerminal: Bool { isatty(descriptor) == 1 }

    /// The terminal's width in columns (80 when it cannot be told).
    var columns: Int {
        var size = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }

    func write(_ text: String) {
        var text = text
        text.withUTF8 { write($0) }
    }

    func write(_ bytes: some Collection<UInt8>) {
        let bytes = Array(bytes)
        bytes.withUnsafeBytes { write(UnsafeRawBufferPointer($0).bindMemory(to: UInt8.self)) }
    }

    private func write(_ buffer: UnsafeBufferPointer<UInt8>) {
        var offset = 0
        while offset < buffer.count {
            let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return  // A closed terminal or pipe: nothing more can be shown.
            }
            offset += written
        }
    }

    /// `text` in an ANSI colour when the stream takes colour.
    func styled(_ text: String, _ color: Color) -> String {
        supportsColor ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
    }

    enum Color: String {
        case red = "31", green = "32", yellow = "33", dim = "2", bold = "1"
    }
}
