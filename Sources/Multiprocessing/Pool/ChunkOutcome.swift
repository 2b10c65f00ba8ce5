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
        // A first byte tells the two forms apart: 0, the common case, holds the values without a tag per item.
        var values: [Result] = []
        values.reserveCapacity(arguments.count)
        var index = 0
        var firstError: (any Error)?
        do {
            while index < arguments.count {
                values.append(try body(arguments[index]))
                index += 1
            }
        } catch {
            firstError = error
        }
        guard let firstError else {
            var output: [UInt8] = [0]
            try BinaryEncoder().encode(Plain(values: values), appendingTo: &output)
            return output
        }
        var results: [Result?] = values.map { $0 }
        var failures = [Failure(offset: index, description: "\(firstError)")]
        results.append(nil)
        for offset in (index + 1)..<arguments.count {
            do {
                results.append(try body(arguments[offset]))
            } catch {
                results.append(nil)
                failures.append(Failure(offset: offset, description: "\(error)"))
            }
        }
        var output: [UInt8] = [1]
        try BinaryEncoder().encode(ChunkOutcome(results: results, failures: failures), appendingTo: &output)
        return output
    }

    /// The values of a chunk where nothing threw, or `nil` for the other form.
    static func plainValues(_ bytes: [UInt8]) throws -> [Result]? {
        guard bytes.first == 0 else { return nil }
        return try bytes.withUnsafeBufferPointer { buffer in
            try BinaryDecoder().decode(Plain.self, from: UnsafeBufferPointer(rebasing: buffer.dropFirst())).values
        }
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
