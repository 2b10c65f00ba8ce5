// What a pool in another process needs (a manager's server holds one for its clients): the server cannot know the
// types of a function's arguments and result, so the client encodes the chunks and decodes the outcomes, and the
// server only submits bytes by the function's name and hands the outcomes back.

/// A chunk of items, encoded as a ``Pool`` sends it to a worker.
package struct _EncodedChunk: Sendable {
    package var bytes: [UInt8]
    /// How many items it holds.
    package var count: Int

    package init(bytes: [UInt8], count: Int) {
        self.bytes = bytes
        self.count = count
    }

    /// `items` in chunks of `size` (at least 1).
    package static func chunks<Item: Codable>(_ items: [Item], size: Int) throws(PoolError) -> [_EncodedChunk] {
        var chunks: [_EncodedChunk] = []
        var start = 0
        while start < items.count {
            let end = min(start + max(1, size), items.count)
            do {
                let bytes = try ChunkCoding.encode(Array(items[start..<end]))
                chunks.append(_EncodedChunk(bytes: bytes, count: end - start))
            } catch {
                throw PoolError(.systemFailure, "cannot encode items \(start)..<\(end): \(error)", index: start)
            }
            start = end
        }
        return chunks
    }

    /// The results of chunks of `counts` items whose outcomes (or failures) are `outcomes`, in input order; the
    /// first failure in input order when an item failed.
    package static func results<Value: Codable>(
        _ outcomes: [Result<[UInt8], PoolError>], counts: [Int], as type: Value.Type
    ) -> Result<[Value], PoolError> {
        var values: [Value] = []
        var start = 0
        for (outcome, count) in zip(outcomes, counts) {
            let finished: PoolEngine.Finished
            switch outcome {
            case .success(let bytes): finished = .outcome(bytes)
            case .failure(let error): finished = .failed(error)
            }
            let ticket = ChunkResults.Ticket(id: 0, start: start, count: count)
            for result in ChunkResults.results(finished, ticket, as: Value.self) {
                switch result {
                case .success(let value): values.append(value)
                case .failure(let error): return .failure(error)
                }
            }
            start += count
        }
        return .success(values)
    }
}

extension Pool {
    /// Python's default chunk size for `count` items in this pool.
    package func _defaultChunksize(_ count: Int) -> Int { defaultChunksize(count) }

    /// Submits `chunks` of the function registered as `function`; returns their IDs for ``_outcomes(_:timeout:)``.
    package func _submit(function: String, chunks: [_EncodedChunk]) throws(PoolError) -> [Int] {
        try locked { () throws(PoolError) in
            var ids: [Int] = []
            var start = 0
            for chunk in chunks {
                ids.append(try engine.submit(function: function, arguments: chunk.bytes, start: start,
                                             count: chunk.count))
                start += chunk.count
            }
            return ids
        }
    }

    /// The outcomes of the chunks `ids` once all of them are finished, waiting up to `timeout` (`nil`: no limit);
    /// `nil` when they are not ready in time. A chunk's outcome is taken: ask once.
    package func _outcomes(_ ids: [Int], timeout: Duration?) -> [Result<[UInt8], PoolError>]? {
        let deadline = timeout.map { ContinuousClock.now.advanced(by: $0) }
        return engine.lock.withLock {
            guard engine.pump(until: deadline, { ids.allSatisfy { engine.finished[$0] != nil } }) else { return nil }
            return ids.map { id in
                switch engine.finished.removeValue(forKey: id) {
                case .outcome(let bytes)?: .success(bytes)
                case .failed(let error)?: .failure(error)
                case nil: .failure(PoolError(.systemFailure, "chunk \(id) has no outcome"))
                }
            }
        }
    }

    /// Forgets the outcomes of the chunks `ids` that finished (no one will ask for them); returns the others, to
    /// forget later. Does not wait.
    package func _discard(_ ids: [Int]) -> [Int] {
        engine.lock.withLock { ids.filter { engine.finished.removeValue(forKey: $0) == nil } }
    }

    /// Whether the pool still takes tasks.
    package var _isRunning: Bool { engine.lock.withLock { engine.state == .running } }
}
