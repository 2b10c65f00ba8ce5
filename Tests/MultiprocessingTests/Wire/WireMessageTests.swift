@testable import Multiprocessing
import Testing

struct WireMessageTests {
    private func roundTrip<Message: WireMessage>(_ message: Message) throws -> Message {
        let bytes = message.encoded()
        return try bytes.withUnsafeBufferPointer { buffer in try Message(decoding: buffer) }
    }

    private static let everyKind: ManagedValue = [
        nil, true, false, 0, -1, .int(.max), .int(.min), 0.25, .double(-.infinity), "", "héllo, 世界",
        .encoded([]), .encoded([0, 255]), [], [[1, "a"], [:]], [1: "1", "2": 2, 0.25: nil, "nested": [true: [3]]],
    ]

    @Test
    func aStartRequestTravelsWhole() throws {
        let request = StartRequest(version: Handshake.version, function: "square", name: "Process-7", daemon: true,
                                   parentID: 4_000_000, parentName: "MainProcess", descriptorCount: 3,
                                   arguments: [7, 0, 255])
        let back = try roundTrip(request)
        #expect(back.version == request.version)
        #expect(back.function == "square")
        #expect(back.name == "Process-7")
        #expect(back.daemon)
        #expect(back.parentID == 4_000_000)
        #expect(back.parentName == "MainProcess")
        #expect(back.descriptorCount == 3)
        #expect(back.arguments == [7, 0, 255])
    }

    @Test
    func aRequestOfAnotherVersionIsReadAsFarAsItsVersion() throws {
        var bytes: [UInt8] = []
        bytes.appendTagged(Handshake.version + 1)
        bytes.appendTagged(3.5)  // a field this version does not have
        let request = try bytes.withUnsafeBufferPointer { try StartRequest(decoding: $0) }
        #expect(request.version == Handshake.version + 1)
    }

    @Test
    func bothRepliesTravelWhole() throws {
        guard case .returned(let result) = try roundTrip(ChildReply.returned([1, 2, 3])) else {
            Issue.record("not a returned reply")
            return
        }
        #expect(result == [1, 2, 3])
        guard case .failed(let code, let description) = try roundTrip(ChildReply.failed(code: "childFailed",
                                                                                         description: "boom"))
        else {
            Issue.record("not a failed reply")
            return
        }
        #expect(code == "childFailed")
        #expect(description == "boom")
    }

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
