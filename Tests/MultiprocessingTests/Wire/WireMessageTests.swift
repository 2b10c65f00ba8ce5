@testable import Multiprocessing
import Testing

/// `message` written and read back: what every wire-message test checks.
func roundTrip<Message: WireMessage>(_ message: Message) throws -> Message {
    let bytes = message.encoded()
    return try bytes.withUnsafeBufferPointer { buffer in try Message(decoding: buffer) }
}

struct WireMessageTests {
    @Test
    func aStartRequestTravelsWhole() throws {
        let request = StartRequest(version: Handshake.version, function: "square", name: "Process-7",
                                   identity: [3, 7], startMethod: .forkserver, daemon: true,
                                   parentID: 4_000_000, parentName: "MainProcess", descriptorCount: 3,
                                   arguments: [7, 0, 255])
        let back = try roundTrip(request)
        #expect(back.version == request.version)
        #expect(back.function == "square")
        #expect(back.name == "Process-7")
        #expect(back.identity == [3, 7] && back.startMethod == .forkserver)
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
    func everyTruncationAndTrailingByteIsAnError() {
        let bytes = StartRequest(version: Handshake.version, function: "f", name: "Process-1", identity: [1],
                                 startMethod: .spawn, daemon: false, parentID: 1, parentName: "MainProcess",
                                 descriptorCount: 0, arguments: [1]).encoded()
        for length in 0..<bytes.count {
            let error = #expect(throws: MultiprocessingError.self) {
                try Array(bytes[..<length]).withUnsafeBufferPointer { try StartRequest(decoding: $0) }
            }
            #expect(error?.code == .codingFailed)
        }
        let error = #expect(throws: MultiprocessingError.self) {
            try (bytes + [BinaryTag.null]).withUnsafeBufferPointer { try StartRequest(decoding: $0) }
        }
        #expect(error?.message.contains("bytes left") == true)
    }
}
