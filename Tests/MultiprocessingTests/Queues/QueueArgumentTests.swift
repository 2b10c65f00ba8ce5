import Multiprocessing
import MultiprocessingTestFunctions
import Testing

/// Capacities and timeouts passed to queues: a bad one throws ``MultiprocessingError/Code/invalidArgument``.
extension MultiprocessingSuite {
    struct QueueArgumentTests {
        @Test(arguments: [-1, 0, 8, Int(UInt32.max) + 1, Int.max])
        func capacitiesOutOfRangeAreAnError(capacity: Int) {
            for make in [{ _ = try Queue<Int>(capacity: capacity) }, { _ = try SimpleQueue<Int>(capacity: capacity) },
                         { _ = try JoinableQueue<Int>(capacity: capacity) }] as [() throws -> Void] {
                let error = #expect(throws: MultiprocessingError.self) { try make() }
                #expect(error?.code == .invalidArgument)
            }
        }

        @Test
        func aNegativeMaxsizeMeansNoLimitAsInPython() throws {
            let queue = try Queue<Int>(maxsize: -5, capacity: 4096)
            for number in 0..<10 { try queue.put(number, block: false) }
            #expect(try queue.get() == 0)
        }

        @Test
        func negativeTimeoutsAreAnErrorAsInPython() throws {
            let queue = try JoinableQueue<Int>(maxsize: 1)
            for attempt in [
                { try queue.put(1, timeout: .seconds(-1)) }, { _ = try queue.get(timeout: .nanoseconds(-1)) },
                { try queue.join(timeout: .seconds(-3)) },
            ] as [() throws -> Void] {
                let error = #expect(throws: MultiprocessingError.self) { try attempt() }
                #expect(error?.code == .invalidArgument)
            }
        }

        @Test
        func theLongestTimeoutsWaitWithoutOverflowing() throws {
            let longest = Duration.seconds(Int64.max)
            let queue = try Queue<Int>(maxsize: 1)
            try queue.put(1, timeout: longest)
            #expect(try queue.get(timeout: longest) == 1)
            #expect(throws: MultiprocessingError.self) { _ = try queue.get(timeout: .milliseconds(1)) }
        }
    }
}
