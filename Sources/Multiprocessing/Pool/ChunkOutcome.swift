/// What a ``Pool`` worker sends back for one chunk: each item's result, or the error it threw.
///
/// An item that threw does not stop the others of its chunk: `results[i]` is `nil` exactly when `failures` holds
/// an entry with offset `i`.
struct ChunkOutcome<Result: Codable>: Codable {
    /// One item that threw: its offset in the chunk and the error's description.
    struct Failure: Codable, Sendable {
        var offset: Int
        var description: String
    }

    var results: [Result?]
    var failures: [Failure]

    /// Runs `body` on each of `arguments` and encodes the outcome.
    static func run<Arguments>(_ body: (Arguments) throws -> Result, on arguments: [Arguments]) throws -> [UInt8] {
        var results: [Result?] = []
        results.reserveCapacity(arguments.count)
        var failures: [Failure] = []
        for (offset, argument) in arguments.enumerated() {
            do {
                results.append(try body(argument))
            } catch {
                results.append(nil)
                failures.append(Failure(offset: offset, description: "\(error)"))
            }
        }
        // A first byte tells the two forms apart: 0, the common case, holds the values without a tag per item.
        var output: [UInt8] = [failures.isEmpty ? 0 : 1]
        if failures.isEmpty {
            try BinaryEncoder().encode(Plain(values: results.map { $0! }), appendingTo: &output)
        } else {
            try BinaryEncoder().encode(ChunkOutcome(results: results, failures: failures), appendingTo: &output)
        }
        return output
    }

    /// The outcome of a chunk where nothing threw.
    struct Plain: Codable {
        var values: [Result]
    }

    /// Decodes what ``run(_:on:)`` encoded.
    static func decode(_ bytes: [UInt8]) throws -> ChunkOutcome {
        try bytes.withUnsafeBufferPointer { buffer in
            let rest = UnsafeBufferPointer(rebasing: buffer.dropFirst())
            if buffer.first == 0 {
                return ChunkOutcome(results: try BinaryDecoder().decode(Plain.self, from: rest).values, failures: [])
            }
            return try BinaryDecoder().decode(ChunkOutcome.self, from: rest)
        }
    }
}
