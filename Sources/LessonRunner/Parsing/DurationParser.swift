/// Reads durations such as `500ms`, `10s`, `1.5s` and `2m`.
enum DurationParser {
    /// Why a text is not a duration.
    enum Failure: Error, Hashable, Sendable {
        /// A number without a unit, such as `10`.
        case missingUnit
        /// Not a decimal number followed by `ms`, `s` or `m`.
        case malformed
        /// Zero, or less than a nanosecond.
        case notPositive
        /// More than the largest duration supported.
        case tooLarge
    }

    private static let units: [(suffix: String, nanoseconds: Int64)] = [
        ("ms", 1_000_000), ("s", 1_000_000_000), ("m", 60_000_000_000),
    ]

    /// The duration `text` names: digits, optionally a `.` and more digits, then the unit `ms`, `s` or `m`.
    static func parse(_ text: String) -> Result<Duration, Failure> {
        guard let unit = units.first(where: { text.hasSuffix($0.suffix) }) else {
            return isDecimal(text) ? .failure(.missingUnit) : .failure(.malformed)
        }
        let number = text.dropLast(unit.suffix.count)
        guard isDecimal(number) else { return .failure(.malformed) }
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        let whole = parts[0].drop { $0 == "0" }
        var fraction = parts.count > 1 ? parts[1] : ""
        while fraction.hasSuffix("0") { fraction = fraction.dropLast() }
        // Digits past a nanosecond cannot matter; the largest unit has 11 digits of nanoseconds.
        guard whole.count <= 18 else { return .failure(.tooLarge) }
        let fractionDigits = fraction.prefix(11)
        guard let wholeValue = Int64(whole.isEmpty ? "0" : whole),
            let fractionValue = Int64(fractionDigits.isEmpty ? "0" : fractionDigits)
        else { return .failure(.malformed) }
        var scale: Int64 = 1
        for _ in 0..<fractionDigits.count { scale *= 10 }
        let (wholeNanoseconds, overflow) = wholeValue.multipliedReportingOverflow(by: unit.nanoseconds)
        guard !overflow else { return .failure(.tooLarge) }
        // fractionValue < scale ≤ 10^11, so fractionValue · nanoseconds / scale < nanoseconds; the product
        // itself may not fit in 64 bits.
        let fractionNanoseconds = scale.dividingFullWidth(fractionValue.multipliedFullWidth(by: unit.nanoseconds))
            .quotient
        let (total, overflowTotal) = wholeNanoseconds.addingReportingOverflow(fractionNanoseconds)
        guard !overflowTotal else { return .failure(.tooLarge) }
        guard total > 0 else { return .failure(.notPositive) }
        return .success(.nanoseconds(total))
    }

    /// Whether `text` is digits, optionally followed by `.` and more digits.
    private static func isDecimal(_ text: some StringProtocol) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        return parts.count <= 2 && parts.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy(isDigit) }
    }
}
