/// Finds where bytes stop being well-formed UTF-8.
enum UTF8Validation {
    /// The offset of the first byte that does not belong to a well-formed UTF-8 sequence, or `nil` when all of
    /// `bytes` is valid UTF-8. Overlong forms, surrogates and code points past U+10FFFF are invalid.
    static func firstInvalidOffset(in bytes: [UInt8]) -> Int? {
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var lowest: UInt8 = 0x80
            var highest: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lowest = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; highest = 0x9F
            case 0xF0: length = 4; lowest = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; highest = 0x8F
            default: return index
            }
            for position in 1..<length {
                let offset = index + position
                guard offset < bytes.count else { return index }
                let byte = bytes[offset]
                let range: ClosedRange<UInt8> = position == 1 ? lowest...highest : 0x80...0xBF
                // A truncated sequence is reported at its lead byte: that is where the file stops making sense.
                guard range.contains(byte) else { return index }
            }
            index += length
        }
        return nil
    }
}
