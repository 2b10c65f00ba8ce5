import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    /// CPython's `_TestValue`, with its `codes_values` as `Int32`, `Double`, `Int16`, `Int64` and `UInt8`.
    struct ValueConformance {
        private let expected: Observations = [
            "before": "4343 3.625 -232 8589934592 x", "exitCode": "0", "after": "24234 -4.25 234 17179869184 y",
        ]

        // CPython: _TestValue.test_value
        @Test(arguments: allMethods)
        func value(method: StartMethod) throws {
            let seen = try observe(SharedScenarios.value, method)
            #expect(seen == expected)
        }

        // CPython: _TestValue.test_rawvalue
        @Test(arguments: allMethods)
        func rawValue(method: StartMethod) throws {
            let seen = try observe(SharedScenarios.rawValue, method)
            #expect(seen == expected)
        }

        // CPython: _TestValue.test_getobj_getlock
        @Test
        func getobjGetlock() throws {
            let locked = try SharedValue<Int32>(5)
            #expect(locked.value == 5)
            #expect(locked.lock != nil)
            try locked.withLock { $0 += 1 }
            #expect(locked.value == 6)
            let raw = try SharedValue<Int32>(5, lock: false)
            #expect(raw.lock == nil)
            #expect(raw.value == 5)
        }
    }
}
