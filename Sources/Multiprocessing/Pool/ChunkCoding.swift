/// How a chunk's items (or its results) travel: the binary `Codable` encoding, or, for `Int`, raw 8-byte integers.
///
/// The first byte tells the forms apart: 0 for `Codable`, 2 for raw integers (1 is ``ChunkOutcome``'s form with
/// failures). Integers are the common case of a pool's map and the generic `Codable` path costs tens of
/// nanoseconds per item on each side; raw, a chunk of 12,500 integers is one copy.
enum ChunkCoding {
    static let codable: UInt8 = 0
    static let rawIntegers: UInt8 = 2

    /// Encodes `items` for a worker; the descriptors of resources among them (a ``Lock``, a ``SharedValue``, …) are
    /// duplicated into the bundle, which the task carries to the worker (`nil` when there are none).
    static func encodeCarrying<Item: Encodable>(_ items: [Item]) throws -> ([UInt8], DescriptorBundle?) {
        let transfer = DescriptorTransfer()
        let bytes = try encode(items, transfer: transfer)
        let bundle = try DescriptorBundle.duplicating(transfer)
        transfer.started()
        return (bytes, bundle)
    }

    static func encode<Item: Encodable>(_ items: [Item], transfer: DescriptorTransfer? = nil) throws -> [UInt8] {
        if Item.self == Int.self {
            let integers = unsafeBitCast(items, to: [Int].self)
            var output = [UInt8](repeating: rawIntegers, count: 1 + integers.count * 8)
            output.withUnsafeMutableBytes { destination in
                integers.withUnsafeBytes { source in
                    UnsafeMutableRawBufferPointer(rebasing: destination[1...]).copyMemory(from: source)
                }
            }
            return output
        }
        var output: [UInt8] = [codable]
        let encoder = transfer.map { BinaryEncoder(transfer: $0) } ?? BinaryEncoder()
        try encoder.encode(items, appendingTo: &output)
        return output
    }

    /// Decodes a chunk's items; resources among them take their descriptors from `transfer`.
    static func decode<Item: Decodable>(_ bytes: [UInt8], as type: Item.Type, transfer: DescriptorTransfer? = nil)
        throws -> [Item] {
        try bytes.withUnsafeBufferPointer { buffer in
            let rest = UnsafeBufferPointer(rebasing: buffer.dropFirst())
            if buffer.first == rawIntegers, Item.self == Int.self {
                guard rest.count % 8 == 0 else {
                    throw PoolError(.systemFailure, "a chunk of raw integers has \(rest.count) bytes")
                }
                let integers = [Int](unsafeUninitializedCapacity: rest.count / 8) { storage, count in
                    UnsafeMutableRawBufferPointer(storage).copyMemory(from: UnsafeRawBufferPointer(rest))
                    count = rest.count / 8
                }
                return unsafeBitCast(integers, to: [Item].self)
            }
            guard buffer.first == codable else {
                throw PoolError(.systemFailure, "a chunk in an unknown form (\(buffer.first ?? 255)) for \(type)")
            }
            let decoder = transfer.map { BinaryDecoder(transfer: $0) } ?? BinaryDecoder()
            return try decoder.decode([Item].self, from: rest)
        }
    }
}
