import Multiprocessing
import Testing

/// Sizes, counts and ranges passed to shared memory: a bad one throws ``MultiprocessingError/Code/invalidArgument``
/// (Python's `ValueError`), it never stops the process.
extension MultiprocessingSuite {
    struct SharedMemoryArgumentTests {
        func expectInvalid(_ body: () throws -> Void) {
            let error = #expect(throws: MultiprocessingError.self) { try body() }
            #expect(error?.code == .invalidArgument, "\(String(describing: error))")
        }

        @Test(arguments: [-2, -1, 0, Int.min])
        func sharedMemoryOfNoPositiveSizeIsAnError(size: Int) {
            expectInvalid { _ = try SharedMemory(size: size) }
        }

        @Test(arguments: ["", "/", "//", "a/b", ".", "..", "/..", String(repeating: "n", count: 256)])
        func aMalformedNameIsAnError(name: String) {
            expectInvalid { _ = try SharedMemory(name: name, create: true, size: 8) }
            expectInvalid { _ = try SharedMemory(name: name) }
        }

        @Test
        func namedSharedMemoryNeedsAPositiveSizeToBeCreatedAndANameToBeAttached() {
            for size in [0, -1, Int.min] {
                expectInvalid { _ = try SharedMemory(name: "unused-name", create: true, size: size) }
                expectInvalid { _ = try SharedMemory(name: nil, create: true, size: size) }
            }
            expectInvalid { _ = try SharedMemory(name: "unused-name", size: -1) }
            expectInvalid { _ = try SharedMemory(name: nil) }
            expectInvalid { _ = try SharedMemory(name: "nul\u{0}byte", create: true, size: 8) }
        }

        @Test
        func aSizeTooLargeForTheSystemIsAnErrorToo() {
            let error = #expect(throws: MultiprocessingError.self) { _ = try SharedMemory(size: Int.max) }
            #expect(error?.code == .systemCallFailed)
        }

        @Test
        func bytesOutsideTheBlockAreAnError() throws {
            let block = try SharedMemory(size: 16)
            #expect(try block.bytes(in: 14..<16) == [0, 0])
            expectInvalid { _ = try block.bytes(in: 15..<17) }
            expectInvalid { _ = try block.bytes(in: -1..<2) }
        }

        @Test(arguments: [-1, Int.min, Int.max, Int.max / 4])
        func sharedArraysOfImpossibleCountsAreAnError(count: Int) {
            expectInvalid { _ = try SharedArray<Int64>(repeating: 0, count: count) }
        }

        @Test
        func replacingBeyondTheEndIsAnErrorThatWritesNothing() throws {
            let numbers = try SharedArray<Int32>(0..<4)
            expectInvalid { try numbers.replace(from: 3, with: [30, 40]) }
            expectInvalid { try numbers.replace(from: -1, with: [1]) }
            expectInvalid { try numbers.replace(from: Int.max, with: [1]) }
            #expect(numbers.copy() == [0, 1, 2, 3])
            try numbers.replace(from: 4, with: [])
            try numbers.replace(from: 2, with: [20, 30])
            #expect(numbers.copy() == [0, 1, 20, 30])
        }
    }
}
