/// The lazy results of ``Pool/imap(_:_:chunksize:)`` and ``Pool/imapUnordered(_:_:chunksize:)``: a sequence you
/// iterate once. Each element is an item's result or its failure (with the item's index); a failure does not end
/// the iteration.
///
/// The input is read only as results are taken: at most two chunks per worker are in flight.
public final class PoolResults<Input: IteratorProtocol, Value: Codable & Sendable>: Sequence, IteratorProtocol
where Input.Element: Codable & Sendable {
    private let pool: Pool
    private let function: String
    private var input: Input
    private let chunksize: Int
    private let ordered: Bool
    private var inputEnded = false
    private var nextIndex = 0
    private var window: [ChunkResults.Ticket] = []
    private var buffer: [Result<Value, PoolError>] = []
    private var bufferHead = 0

    init(pool: Pool, function: ProcessFunction<Input.Element, Value>, input: Input, chunksize: Int,
         ordered: Bool) {
        self.pool = pool
        self.function = function.name
        self.input = input
        self.chunksize = Swift.max(1, chunksize)
        self.ordered = ordered
    }

    /// The next result, or `nil` once every item's result was returned.
    public func next() -> Result<Value, PoolError>? {
        if bufferHead < buffer.count {
            defer { bufferHead += 1 }
            return buffer[bufferHead]
        }
        buffer.removeAll(keepingCapacity: true)
        bufferHead = 0
        let engine = pool.engine
        let limit = pool.processes * 2
        let results: [Result<Value, PoolError>]? = engine.lock.withLock {
            while !inputEnded, window.count < limit {
                var items: [Input.Element] = []
                while items.count < chunksize, let item = input.next() { items.append(item) }
                if items.count < chunksize { inputEnded = true }
                if items.isEmpty { break }
                let start = nextIndex
                nextIndex += items.count
                do {
                    let (bytes, descriptors) = try ChunkCoding.encodeCarrying(items)
                    let id = try engine.submit(function: function, arguments: bytes, descriptors: descriptors,
                                               start: start, count: items.count)
                    window.append(ChunkResults.Ticket(id: id, start: start, count: items.count))
                } catch let error as PoolError {
                    inputEnded = true
                    var error = error
                    error.index = start
                    return [.failure(error)]
                } catch {
                    inputEnded = true
                    return [.failure(PoolError(.systemFailure, "cannot encode item \(start): \(error)", index: start))]
                }
            }
            guard !window.isEmpty else { return nil }
            let position: Int
            if ordered {
                _ = engine.pump { engine.finished[window[0].id] != nil }
                position = 0
            } else {
                _ = engine.pump { window.contains { engine.finished[$0.id] != nil } }
                position = window.firstIndex { engine.finished[$0.id] != nil } ?? 0
            }
            let ticket = window.remove(at: position)
            return ChunkResults.results(engine.finished.removeValue(forKey: ticket.id), ticket, as: Value.self)
        }
        guard let results else { return nil }
        buffer = results
        bufferHead = 1
        return buffer[0]
    }
}
