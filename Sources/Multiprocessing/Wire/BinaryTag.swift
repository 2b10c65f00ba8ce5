// The compact binary Codable encoding: why our own, and its grammar.
//
// Why not a library: the mirror this package builds from has no binary Codable coder (swift-protobuf and
// msgpack need schemas or are not listed), and Foundation's JSONEncoder costs ~6 µs for a small message and
// pulls Foundation into every child's start. This coder costs a fraction of a microsecond for `[42, nil, "hello"]`.
//
// Every value starts with a one-byte tag:
//
//     nil | false | true                      tag only
//     int   zigzag LEB128 varint              (signed integers of every width)
//     uint  LEB128 varint                     (unsigned integers of every width)
//     double 8 bytes little-endian | float 4 bytes little-endian
//     string varint length, UTF-8 bytes | bytes varint length, raw bytes ([UInt8] as a whole)
//     unkeyed varint count, count values
//     keyed   varint count, count × (varint key length, key UTF-8, value)
//
// Values are self-delimiting, so a keyed container can find its keys in any order and skip what it does not need.

/// The first byte of every encoded value.
package enum BinaryTag {
    package static let null: UInt8 = 0
    package static let `false`: UInt8 = 1
    package static let `true`: UInt8 = 2
    package static let int: UInt8 = 3
    package static let uint: UInt8 = 4
    package static let double: UInt8 = 5
    package static let float: UInt8 = 6
    package static let string: UInt8 = 7
    package static let bytes: UInt8 = 8
    package static let unkeyed: UInt8 = 9
    package static let keyed: UInt8 = 10
}

extension Array where Element == UInt8 {
    /// Appends `value` as a LEB128 varint.
    @inline(__always)
    package mutating func appendVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        append(UInt8(value))
    }

    /// Appends a signed integer with its tag.
    @inline(__always)
    package mutating func appendTagged(_ value: Int64) {
        append(BinaryTag.int)
        appendVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Appends an unsigned integer with its tag.
    @inline(__always)
    package mutating func appendTagged(_ value: UInt64) {
        append(BinaryTag.uint)
        appendVarint(value)
    }

    /// Appends a string with its tag.
    @inline(__always)
    package mutating func appendTagged(_ value: String) {
        append(BinaryTag.string)
        appendRawString(value)
    }

    /// Appends a string's length and UTF-8 bytes, without a tag (keys).
    @inline(__always)
    package mutating func appendRawString(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            appendVarint(UInt64(utf8.count))
            append(contentsOf: utf8)
        }
    }

    /// Appends a double with its tag.
    @inline(__always)
    package mutating func appendTagged(_ value: Double) {
        append(BinaryTag.double)
        var bits = value.bitPattern.littleEndian
        Swift.withUnsafeBytes(of: &bits) { append(contentsOf: $0) }
    }

    /// Appends a float with its tag.
    @inline(__always)
    package mutating func appendTagged(_ value: Float) {
        append(BinaryTag.float)
        var bits = value.bitPattern.littleEndian
        Swift.withUnsafeBytes(of: &bits) { append(contentsOf: $0) }
    }

    /// Appends a tagged signed integer.
    @inline(__always)
    package mutating func appendTagged(_ value: Int) { appendTagged(Int64(value)) }

    /// Appends a tagged Boolean.
    @inline(__always)
    package mutating func appendTagged(_ value: Bool) { append(value ? BinaryTag.true : BinaryTag.false) }

    /// Appends tagged raw bytes.
    @inline(__always)
    package mutating func appendTagged(_ value: [UInt8]) {
        append(BinaryTag.bytes)
        appendVarint(UInt64(value.count))
        append(contentsOf: value)
    }

    /// Appends the header of a sequence of `count` values (which follow).
    @inline(__always)
    package mutating func appendSequence(count: Int) {
        append(BinaryTag.unkeyed)
        appendVarint(UInt64(count))
    }
}
