/// The lesson key in the address of a lesson's page, `/lessons/KEY`: KEY percent-decoded to UTF-8, as
/// ``CoursePages/href(_:)`` encodes it (`/lessons/sub%20dir/caf%C3%A9.md` is the lesson `sub dir/café.md`).
///
/// Only a key can come out of an address, never a file path: the key is then looked up among the served lessons.
/// An address that cannot be a key (a broken escape, bytes that are not UTF-8, an empty, `.` or `..` segment) is
/// refused as such rather than looked up.
enum LessonAddress {
    /// Why a page address names no lesson key.
    enum Refusal: Error, Equatable, CustomStringConvertible {
        /// A `%` not followed by two hexadecimal digits.
        case brokenEscape
        /// Decoded bytes that are not UTF-8, or that hold a NUL.
        case notUTF8
        /// An empty, `.` or `..` segment: a key is a relative path that stays in its folder.
        case badSegment(String)

        var description: String {
            switch self {
            case .brokenEscape: "the lesson's address has a % that is not followed by two hexadecimal digits"
            case .notUTF8: "the lesson's address does not decode to UTF-8 text"
            case .badSegment(let segment):
                "the lesson's address has a segment \"\(segment)\": a lesson key is a path inside the served folder"
            }
        }
    }

    /// The key that `encodedPath` (what follows `/lessons/`, as sent) names.
    static func key(_ encodedPath: some StringProtocol) throws(Refusal) -> String {
        let bytes = try percentDecoded(Array(encodedPath.utf8))
        guard !bytes.contains(0), let key = String(validating: bytes, as: UTF8.self) else { throw .notUTF8 }
        for segment in key.split(separator: "/", omittingEmptySubsequences: false) {
            if segment.isEmpty || segment == "." || segment == ".." { throw .badSegment(String(segment)) }
        }
        return key
    }

    /// `bytes` with every `%XX` replaced by the byte it stands for; `+` stays `+` (it means a space only in forms).
    static func percentDecoded(_ bytes: [UInt8]) throws(Refusal) -> [UInt8] {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "%") else {
                decoded.append(bytes[index])
                index += 1
                continue
            }
            guard index + 2 < bytes.count, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            else { throw .brokenEscape }
            decoded.append(high << 4 | low)
            index += 3
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
