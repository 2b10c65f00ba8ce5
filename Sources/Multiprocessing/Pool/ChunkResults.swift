/// Turns a finished chunk into one result per item, each failure carrying the item's index in the input.
enum ChunkResults {
    /// A chunk as its submitter tracks it.
    struct Ticket: Sendable {
        var id: Int
        var start: Int
        var count: Int
    }

    static func results<Value: Codable>(_ finished: PoolEngine.Finished?, _ ticket: Ticket, as type: Value.Type)
        -> [Result<Value, PoolError>] {
        switch finished {
        case .outcome(let bytes)?:
            let outcome: ChunkOutcome<Value>
            do {
                outcome = try ChunkOutcome<Value>.decode(bytes)
            } catch {
                return failAll(ticket, PoolError(.systemFailure, "cannot decode the results as \(type): \(error)"))
            }
            guard outcome.results.count == ticket.count else {
                return failAll(ticket, PoolError(.systemFailure, "a worker sent \(outcome.results.count) results "
                    + "for \(ticket.count) items"))
            }
            var results: [Result<Value, PoolError>] = outcome.results.map { value in
                value.map { .success($0) } ?? .failure(PoolError(.taskFailed, "no result"))
            }
            for failure in outcome.failures {
                let index = ticket.start + failure.offset
                results[failure.offset] = .failure(PoolError(.taskFailed, "item \(index) failed", index: index,
                                                             remoteDescription: failure.description))
            }
            return results
        case .failed(let error)?:
            return failAll(ticket, error)
        case nil:
            return failAll(ticket, PoolError(.timedOut, "the result was not ready in time"))
        }
    }

    private static func failAll<Value>(_ ticket: Ticket, _ error: PoolError) -> [Result<Value, PoolError>] {
        (0..<ticket.count).map { offset in
            var error = error
            error.index = ticket.start + offset
            return .failure(error)
        }
    }

    /// Splits `items` into chunks of `size`, submits each, and returns their tickets.
    static func submit<Arguments: Codable, Result>(
        _ function: ProcessFunction<Arguments, Result>, _ items: [Arguments], size: Int, to engine: PoolEngine,
        firstIndex: Int = 0
    ) throws(PoolError) -> [Ticket] {
        var tickets: [Ticket] = []
        var start = 0
        while start < items.count {
            let end = min(start + size, items.count)
            let (bytes, descriptors): ([UInt8], DescriptorBundle?)
            do {
                (bytes, descriptors) = try ChunkCoding.encodeCarrying(Array(items[start..<end]))
            } catch {
                throw PoolError(.systemFailure, "cannot encode items \(start)..<\(end): \(error)", index: start)
            }
            let id = try engine.submit(function: function.name, arguments: bytes, descriptors: descriptors,
                                       start: firstIndex + start, count: end - start)
            tickets.append(Ticket(id: id, start: firstIndex + start, count: end - start))
            start = end
        }
        return tickets
    }
}
