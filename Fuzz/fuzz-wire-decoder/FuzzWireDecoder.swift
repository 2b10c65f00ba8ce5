import FuzzSupport
@testable import Multiprocessing

/// Bytes from a child process or a peer, read by the binary decoder and the package's own messages.
///
/// The first byte chooses what the rest is decoded as. Whatever decodes must encode again and decode from that
/// encoding to the same value (no value is read differently from how it is written).
@main
enum FuzzWireDecoder {
    struct Record: Codable, Equatable {
        enum Kind: String, Codable { case small, large }
        var name: String
        var counts: [Int32]
        var ratio: Int64?
        var kind: Kind
        var nested: [String: [UInt8]]
        var flags: Set<Int8>
    }

    /// Recorded frames: each selector with a value of its type, as the encoders write it.
    static var seeds: [[UInt8]] {
        func encoded<T: Encodable>(_ selector: UInt8, _ value: T) -> [UInt8] {
            [selector] + ((try? BinaryEncoder().encode(value)) ?? [])
        }
        func written<T: WireMessage>(_ selector: UInt8, _ message: T) -> [UInt8] { [selector] + message.encoded() }
        let managed: ManagedValue = .dict([
            ManagedPair("name", .string("π ≈ 3.14")),
            ManagedPair(.int(-7), .list([.none, .bool(true), .double(0.5)])),
            ManagedPair("blob", .encoded([0, 1, 2, 255])),
        ])
        return [
            encoded(0, Int.min), encoded(0, 42),
            encoded(1, ["", "a", "ünïcödé 🚀", String(repeating: "x", count: 200)]),
            encoded(2, [1, nil, -3, Int.max] as [Int?]),
            encoded(3, ["a": [1, 2], "b": [] as [Int16]]),
            encoded(4, Record(name: "r", counts: [1, -2], ratio: nil, kind: .large, nested: ["k": [9]],
                              flags: [1, -1])),
            encoded(5, [[1, 2], [], [UInt64.max]]),
            encoded(6, managed),
            written(7, managed), written(7, ManagedValue.list([1, 2.5, "three", nil])),
            written(8, [ManagedValue.string("acquire"), .bool(false), .double(0.25)]),
            written(9, StartRequest(version: Handshake.version, function: "test.square", name: "Process-1",
                                    identity: [1, 2], startMethod: .forkserver, authkey: [7, 7, 7],
                                    daemon: false, parentID: 1234, parentName: "MainProcess", descriptorCount: 2,
                                    arguments: (try? BinaryEncoder().encode([3, 4])) ?? [])),
            written(9, StartRequest(version: 1, function: "", name: "", identity: [], startMethod: .spawn,
                                    daemon: true, parentID: 1, parentName: "", descriptorCount: 0, arguments: [])),
            written(10, ChildReply.returned([1, 2, 3])),
            written(10, ChildReply.failed(code: "childFailed", description: "TypeError: boom")),
            encoded(11, [Pair<Double, Float?>(1.5, nil), Pair<Double, Float?>(-.infinity, .nan)]),
            // A connection's byte stream: a message announced to carry 2 descriptors, then one without.
            [12, 0xFF, 0xFF, 0xFF, 0xFF, 2, 0, 0, 0, 3, 0, 0, 0, 1, 2, 3, 1, 0, 0, 0, 9],
        ]
    }

    static func main() {
        Fuzzer.run(seeds: seeds) { input in
            guard let selector = input.first else { return }
            let bytes = Array(input.dropFirst())
            switch selector % 13 {
            case 0: roundTrip(Int.self, bytes)
            case 1: roundTrip([String].self, bytes)
            case 2: roundTrip([Int?].self, bytes)
            case 3: roundTrip([String: [Int16]].self, bytes)
            case 4: roundTrip(Record.self, bytes)
            case 5: roundTrip([[UInt64]].self, bytes)
            case 6: sameBytes(ManagedValue.self, bytes)
            case 7: message(ManagedValue.self, bytes)
            case 8: message([ManagedValue].self, bytes)
            case 9: message(StartRequest.self, bytes)
            case 10: message(ChildReply.self, bytes)
            case 11: sameBytes([Pair<Double, Float?>].self, bytes)
            default: frames(bytes)
            }
        }
    }

    /// Decodes with `BinaryDecoder`; what decodes must encode, and decode from that to an equal value.
    static func roundTrip<T: Codable & Equatable>(_ type: T.Type, _ bytes: [UInt8]) {
        guard let value = try? BinaryDecoder().decode(T.self, from: bytes) else { return }
        let encoded = try? BinaryEncoder().encode(value)
        Fuzzer.require(encoded != nil, "a decoded \(T.self) does not encode")
        let again = encoded.flatMap { try? BinaryDecoder().decode(T.self, from: $0) }
        Fuzzer.require(again == value, "a re-encoded \(T.self) reads differently")
    }

    /// As ``roundTrip(_:_:)`` for values with floating point (NaN is not equal to itself), compared as bytes.
    static func sameBytes<T: Codable>(_ type: T.Type, _ bytes: [UInt8]) {
        guard let value = try? BinaryDecoder().decode(T.self, from: bytes) else { return }
        guard let encoded = try? BinaryEncoder().encode(value) else {
            Fuzzer.require(false, "a decoded \(T.self) does not encode")
            return
        }
        let again = try? BinaryDecoder().decode(T.self, from: encoded)
        Fuzzer.require(again != nil, "a re-encoded \(T.self) does not decode")
        Fuzzer.require(again.flatMap { try? BinaryEncoder().encode($0) } == encoded,
                       "a re-encoded \(T.self) reads differently")
    }

    /// Cuts a connection's byte stream into frames, past the announcements of descriptors: every frame lies within
    /// the bytes, after its length, and announces no negative count.
    static func frames(_ bytes: [UInt8]) {
        var buffer = ReceiveBuffer(readsMemory: false)
        buffer.bytes = bytes
        buffer.end = bytes.count
        _ = buffer.announcedBytes
        _ = buffer.pendingLength
        while let frame = buffer.nextFrame() {
            Fuzzer.require(frame.lowerBound >= buffer.start + 4 && frame.upperBound <= buffer.end,
                           "a frame outside the bytes received")
            Fuzzer.require(buffer.descriptorCount(before: frame) >= 0, "a negative count of descriptors")
            buffer.consume(frame)
        }
    }

    /// Reads one of the package's own messages; what reads must write and read back to the same bytes.
    static func message<T: WireMessage>(_ type: T.Type, _ bytes: [UInt8]) {
        let decoded = bytes.withUnsafeBufferPointer { try? T(decoding: $0) }
        guard let decoded else { return }
        let encoded = decoded.encoded()
        let again = encoded.withUnsafeBufferPointer { try? T(decoding: $0) }
        Fuzzer.require(again != nil, "a re-written \(T.self) does not read")
        Fuzzer.require(again?.encoded() == encoded, "a re-written \(T.self) reads differently")
    }
}
