@testable import Multiprocessing
@testable import MultiprocessingManagers
import Testing

/// The manager's own messages, written and read by hand as `WireMessage`s.
struct ManagerProtocolTests {
    private static let everyKind: ManagedValue = [
        nil, true, false, 0, -1, .int(.max), .int(.min), 0.25, .double(-.infinity), "", "héllo, 世界",
        .encoded([]), .encoded([0, 255]), [], [[1, "a"], [:]], [1: "1", "2": 2, 0.25: nil, "nested": [true: [3]]],
    ]

    @Test
    func managedValuesOfEveryKindTravelWhole() throws {
        let request = ManagerRequest(object: 12, method: "__setitem__", arguments: [Self.everyKind, "key", 3])
        let back = try roundTrip(request)
        #expect(back.object == 12)
        #expect(back.method == "__setitem__")
        #expect(back.arguments == [Self.everyKind, "key", 3])
        #expect(back.arguments[0].description == Self.everyKind.description)

        guard case .value(let value) = try roundTrip(ManagerReply.value(Self.everyKind)) else {
            Issue.record("not a value")
            return
        }
        #expect(value == Self.everyKind)
        guard case .failure(let failure) = try roundTrip(ManagerReply.failure("KeyError: 'x'")) else {
            Issue.record("not a failure")
            return
        }
        #expect(failure == "KeyError: 'x'")
    }

    @Test
    func everyTruncationAndTrailingByteIsAnError() {
        let bytes = ManagerRequest(object: 1, method: "update", arguments: [Self.everyKind]).encoded()
        for length in 0..<bytes.count {
            let error = #expect(throws: MultiprocessingError.self) {
                try Array(bytes[..<length]).withUnsafeBufferPointer { try ManagerRequest(decoding: $0) }
            }
            #expect(error?.code == .codingFailed)
        }
        let longer = bytes + [BinaryTag.null]
        let error = #expect(throws: MultiprocessingError.self) {
            try longer.withUnsafeBufferPointer { try ManagerRequest(decoding: $0) }
        }
        #expect(error?.message.contains("bytes left") == true)
    }

    @Test
    func deepNestingIsAnErrorNotAStackOverflow() throws {
        func request(nesting depth: Int) -> [UInt8] {
            var bytes: [UInt8] = []
            bytes.appendTagged(1)
            bytes.appendTagged("m")
            bytes.appendSequence(count: 1)
            for _ in 0..<depth {
                bytes.append(BinaryTag.unkeyed)
                bytes.appendVarint(1)
            }
            bytes.append(BinaryTag.null)
            return bytes
        }
        let allowed = request(nesting: WireReader.maximumDepth)
        #expect(throws: Never.self) { try allowed.withUnsafeBufferPointer { try ManagerRequest(decoding: $0) } }
        for depth in [WireReader.maximumDepth + 1, 1_000_000] {
            let deep = request(nesting: depth)
            let error = #expect(throws: MultiprocessingError.self) {
                try deep.withUnsafeBufferPointer { try ManagerRequest(decoding: $0) }
            }
            #expect(error?.message.contains("nested more than") == true)
        }
    }

    @Test
    func aHugeCountIsAnErrorNotAnAllocation() {
        var bytes: [UInt8] = []
        bytes.appendTagged(1)
        bytes.appendTagged("m")
        bytes.append(BinaryTag.unkeyed)
        bytes.appendVarint(UInt64(Int.max))
        let error = #expect(throws: MultiprocessingError.self) {
            try bytes.withUnsafeBufferPointer { try ManagerRequest(decoding: $0) }
        }
        #expect(error?.message.contains("count beyond the message") == true)
    }
}
