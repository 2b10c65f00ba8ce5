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
        // The common case, nothing threw, travels as ChunkCoding's plain values; the form with failures starts with 1.
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
            return try ChunkCoding.encode(values)
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
        var output: [UInt8] = [withFailures]
        try BinaryEncoder().encode(ChunkOutcome(results: results, failures: failures), appendingTo: &output)
        return output
    }

    /// The values of a chunk where nothing threw, or `nil` for the form with failures.
    static func plainValues(_ bytes: [UInt8]) throws -> [Result]? {
        guard bytes.first != withFailures else { return nil }
        return try ChunkCoding.decode(bytes, as: Result.self)
    }

    /// The first byte of the form with failures (``ChunkCoding`` uses 0 and 2).
    static var withFailures: UInt8 { 1 }

    /// Decodes what ``run(_:on:)`` encoded.
    static func decode(_ bytes: [UInt8]) throws -> ChunkOutcome {
        if let values = try plainValues(bytes) { return ChunkOutcome(results: values, failures: []) }
        return try bytes.withUnsafeBufferPointer { buffer in
            try BinaryDecoder().decode(ChunkOutcome.self, from: UnsafeBufferPointer(rebasing: buffer.dropFirst()))
        }
    }
}
