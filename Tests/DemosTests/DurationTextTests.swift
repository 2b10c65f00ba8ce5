@testable import Demos
import Testing

@Suite struct DurationTextTests {
    @Test func millisecondsRoundToTheAskedDecimals() {
        #expect(milliseconds(.microseconds(2_449)) == "2.4")
        #expect(milliseconds(.microseconds(2_450)) == "2.5")
        #expect(milliseconds(.microseconds(1_234), decimals: 2) == "1.23")
        #expect(milliseconds(.microseconds(1_005), decimals: 2) == "1.01", "half rounds up")
        #expect(milliseconds(.microseconds(1_004), decimals: 3) == "1.004")
        #expect(milliseconds(.microseconds(40), decimals: 2) == "0.04", "leading zeros of the fraction are kept")
        #expect(milliseconds(.seconds(3), decimals: 2) == "3000.00")
        #expect(microseconds(.nanoseconds(24_849)) == "24.8")
    }
}
