import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    /// CPython's `_TestArray`, for type code `'i'` (`Int32`).
    struct ArrayConformance {
        private let expected: Observations = [
            "count": "10", "element 3": "821", "2..<7": "934,821,150,233,548", "after replace": "as the sequence",
            "exitCode": "0", "after child": "cumulated",
        ]

        // CPython: _TestArray.test_array
        @Test(arguments: allMethods)
        func array(method: StartMethod) throws {
            let seen = try observe(SharedScenarios.arrayScenario, method)
            #expect(seen == expected)
        }

        // CPython: _TestArray.test_rawarray
        @Test(arguments: allMethods)
        func rawArray(method: StartMethod) throws {
            let seen = try observe(SharedScenarios.rawArray, method)
            #expect(seen == expected)
        }

        // CPython: _TestArray.test_array_from_size
        @Test
        func arrayFromSize() throws {
            for _ in 0..<3 {
                let array = try SharedArray<Int32>(repeating: 0, count: 10)
                #expect(array.count == 10)
                #expect(array.copy() == [Int32](repeating: 0, count: 10))
                try array.replace(with: 0..<10)
                #expect(array.copy() == Array(0..<10))
            }
        }

        // CPython: _TestArray.test_getobj_getlock_obj
        @Test
        func getobjGetlockObj() throws {
            let locked = try SharedArray<Int32>(0..<10)
            #expect(locked.lock != nil)
            let sum = try locked.withLock { $0.reduce(0, +) }
            #expect(sum == 45)
            let raw = try SharedArray<Int32>(0..<10, lock: false)
            #expect(raw.lock == nil)
        }
    }
}
