import Digests
import SystemPackage

/// The secret every request to `lesson serve` must carry: in the URL once, then in an HttpOnly cookie.
///
/// 256 random bits from the kernel (`/dev/urandom`), as 64 hex digits; compared in constant time.
public struct AccessToken: Sendable, Equatable {
    /// The token's text, as it goes in the URL and the cookie.
    public let text: String

    /// A new random token.
    ///
    /// - Throws: The `Errno` of opening or reading `/dev/urandom`.
    public init() throws {
        let source = try FileDescriptor.open("/dev/urandom", .readOnly, options: .closeOnExec)
        let bytes = try source.closeAfter {
            var bytes = [UInt8](repeating: 0, count: 32)
            var filled = 0
            while filled < bytes.count {
                let count = try bytes[filled...].withUnsafeMutableBytes { try source.read(into: $0) }
                guard count > 0 else { throw Errno.ioError }
                filled += count
            }
            return bytes
        }
        text = SHA256.hex(bytes)
    }

    /// A token with a given text (for tests).
    public init(text: String) {
        self.text = text
    }

    /// Whether `candidate` is this token; the time taken does not depend on where they differ.
    public func matches(_ candidate: some StringProtocol) -> Bool {
        constantTimeEquals(Array(text.utf8), Array(candidate.utf8))
    }
}
