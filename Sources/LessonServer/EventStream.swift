import Synchronization

/// The events waiting to be written to one open event stream (one page), and the signal that wakes its writer.
///
/// Publishing never blocks: events wait here until the stream's writer takes them all at once. A stream that
/// falls more than its backlog limit behind (a page that stopped reading) is closed; its page reconnects and is
/// sent the current state anew.
final class EventStream: Sendable {
    /// The lesson whose events the stream carries; nil for the index.
    let lessonKey: String?
    private let backlogLimit: Int
    private let state = Mutex(State())
    /// Yields when events are pending or the stream closed; the stream's one writer iterates it.
    let wakeUps: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    private struct State {
        var pending: [ServerEvent] = []
        var pendingBytes = 0
        var closed = false
    }

    init(lessonKey: String?, backlogLimit: Int) {
        self.lessonKey = lessonKey
        self.backlogLimit = backlogLimit
        (wakeUps, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues `event`; closes the stream instead when it is too far behind.
    func publish(_ event: ServerEvent) {
        state.withLock { state in
            guard !state.closed else { return }
            state.pending.append(event)
            state.pendingBytes += event.json.utf8.count
            if state.pendingBytes > backlogLimit {
                state.closed = true
                state.pending.removeAll()
            }
        }
        wake.yield()
    }

    /// Ends the stream: its writer finishes the response.
    func close() {
        state.withLock { $0.closed = true }
        wake.yield()
        wake.finish()
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    /// Every pending event, merged where they can be, or nil once the stream is closed.
    func takePending() -> [ServerEvent]? {
        let taken = state.withLock { state -> [ServerEvent]? in
            if state.closed { return nil }
            let events = state.pending
            state.pending.removeAll()
            state.pendingBytes = 0
            return events
        }
        return taken.map(ServerEvent.coalesced)
    }
}
