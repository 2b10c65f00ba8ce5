@testable import Multiprocessing
import Testing

/// Timeouts converted for the kernel saturate instead of overflowing, whatever their size.
extension MultiprocessingSuite {
    struct TimeoutTests {
        @Test
        func nanosecondsSaturate() {
            #expect(Duration.milliseconds(1500).saturatingNanoseconds == 1_500_000_000)
            #expect(Duration.seconds(-2).saturatingNanoseconds == -2_000_000_000)
            #expect(Duration.seconds(Int64.max).saturatingNanoseconds == .max)
            #expect(Duration.seconds(Int64.min).saturatingNanoseconds == .min)
            // Beyond Int64 seconds, where `Duration.components` itself traps.
            #expect((Duration.seconds(Int64.max) + .seconds(Int64.max)).saturatingNanoseconds == .max)
            #expect((Duration.seconds(Int64.min) + .seconds(Int64.min)).saturatingNanoseconds == .min)
        }

        @Test
        func pollMillisecondsRoundUpAndClamp() {
            #expect(_milliseconds(rounding: .nanoseconds(1)) == 1)
            #expect(_milliseconds(rounding: .seconds(-1)) == 0)
            #expect(_milliseconds(rounding: .seconds(Int64.max)) == Int32.max)
            #expect(_milliseconds(rounding: .seconds(Int64.max) + .seconds(Int64.max)) == Int32.max)
        }

        @Test
        func negativeTimeoutsAreCheckedOnce() {
            #expect(throws: Never.self) { try _checkTimeout(nil, "x") }
            #expect(throws: Never.self) { try _checkTimeout(.zero, "x") }
            let error = #expect(throws: MultiprocessingError.self) { try _checkTimeout(.nanoseconds(-1), "Queue.get") }
            #expect(error?.code == .invalidArgument && error?.message.hasPrefix("Queue.get") == true)
        }
    }
}
