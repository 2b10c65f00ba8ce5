import Multiprocessing
import Testing

private struct Everything: Codable, Equatable {
    enum Shape: Codable, Equatable { case circle(radius: Double), square(Int), none }
    var int: Int = -5
    var int8: Int8 = -128
    var uint64: UInt64 = .max
    var int64: Int64 = .min
    var float: Float = 1.5
    var double: Double = -0.25
    var flag = true
    var text = "héllo, 世界"
    var bytes: [UInt8] = [0, 255, 7]
    var optional: String? = nil
    var present: Int? = 3
    var nested: [[Int?]] = [[1, nil], [], [Int.max]]
    var map: [String: Int] = ["a": 1, "b": 2]
    var shapes: [Shape] = [.circle(radius: 2), .square(3), .none]
}

private class Base: Codable {
    var base = 1
}

private final class Derived: Base {
    var extra = "x"
    private enum CodingKeys: String, CodingKey { case extra }

    override init() { super.init() }

    required init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        extra = try container.decode(String.self, forKey: .extra)
        try super.init(from: container.superDecoder())
    }

    override func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(extra, forKey: .extra)
        try super.encode(to: container.superEncoder())
    }
}

/// Reads a scale factor from `userInfo` while coding, wherever it sits in the value.
private struct Scaled: Codable, Equatable {
    static let factor = CodingUserInfoKey(rawValue: "factor")!
    var number: Int

    init(_ number: Int) { self.number = number }

    init(from decoder: any Decoder) throws {
        let factor = decoder.userInfo[Self.factor] as? Int ?? 1
        number = try decoder.singleValueContainer().decode(Int.self) / factor
    }

    func encode(to encoder: any Encoder) throws {
        let factor = encoder.userInfo[Self.factor] as? Int ?? 1
        var container = encoder.singleValueContainer()
        try container.encode(number * factor)
    }
}

private struct Holder: Codable, Equatable {
    var top: Scaled
    var list: [Scaled]
    var map: [String: [Scaled]]
}

extension MultiprocessingSuite {
    struct BinaryCoderTests {
        @Test
        func userInfoReachesValuesAtEveryDepth() throws {
            let value = Holder(top: Scaled(1), list: [Scaled(2)], map: ["a": [Scaled(3)]])
            var encoder = BinaryEncoder()
            encoder.userInfo[Scaled.factor] = 10
            let bytes = try encoder.encode(value)
            let plain = try BinaryDecoder().decode(Holder.self, from: bytes)
            #expect(plain == Holder(top: Scaled(10), list: [Scaled(20)], map: ["a": [Scaled(30)]]))
            var decoder = BinaryDecoder()
            decoder.userInfo[Scaled.factor] = 10
            #expect(try decoder.decode(Holder.self, from: bytes) == value)
        }

        @Test
        func roundTripsEveryKindOfValue() throws {
            let value = Everything()
            let bytes = try BinaryEncoder().encode(value)
            #expect(try BinaryDecoder().decode(Everything.self, from: bytes) == value)
        }

        @Test
        func smallMessagesAreCompact() throws {
            let bytes = try BinaryEncoder().encode([42, nil, 7] as [Int?])
            #expect(bytes == [9, 3, 3, 84, 0, 3, 14])
            #expect(try BinaryEncoder().encode("hi") == [7, 2, 104, 105])
        }

        @Test
        func superEncodersAndClassHierarchies() throws {
            let value = Derived()
            value.base = 9
            value.extra = "y"
            let back = try BinaryDecoder().decode(Derived.self, from: BinaryEncoder().encode(value))
            #expect(back.base == 9 && back.extra == "y")
        }

        @Test
        func corruptOrMismatchedDataIsAnErrorNotACrash() throws {
            let bytes = try BinaryEncoder().encode([1, 2, 3])
            #expect(throws: DecodingError.self) { try BinaryDecoder().decode(String.self, from: bytes) }
            #expect(throws: DecodingError.self) {
                try BinaryDecoder().decode([Int].self, from: Array(bytes.dropLast()))
            }
            #expect(throws: DecodingError.self) { try BinaryDecoder().decode([Int].self, from: bytes + [0]) }
            #expect(throws: DecodingError.self) {
                try BinaryDecoder().decode(Int8.self, from: BinaryEncoder().encode(300))
            }
            #expect(throws: DecodingError.self) { try BinaryDecoder().decode(Int.self, from: [99]) }
            #expect(throws: DecodingError.self) { try BinaryDecoder().decode(Everything.self, from: [10, 0]) }
        }
    }
}
