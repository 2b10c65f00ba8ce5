import Synchronization

/// The events waiting to be written to one open event stream (one page), and the signal that wakes its writer.
///
/// Publishing never blocks: events wait here until the stream's writer takes them all at once. A stream that
/// falls more than its backlog limit behind (a page that stopped reading) is closed; its page reconnects and is
/// sent the current state anew.
///
/// A heartbeat (``beat()``) asks the writer to send a comment when it has nothing else to send: a write to a page
/// that went away fails, which ends the stream and frees its place.
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
        var heartbeatDue = false
    }

    /// What the writer sends next: the pending events, merged where they can be, and whether a heartbeat is due.
    struct Batch {
        var events: [ServerEvent]
        var heartbeat: Bool

        /// The bytes on the wire: the events, or a heartbeat comment (`: ping`, which `EventSource` ignores) when
        /// one is due and there is no event to carry it.
        var wireText: String {
            if events.isEmpty { return heartbeat ? ": ping\n\n" : "" }
            return events.map(\.wireText).joined()
        }
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

    /// Asks the writer to show the page it is still there, so that it finds out whether the page still is.
    func beat() {
        state.withLock { $0.heartbeatDue = true }
        wake.yield()
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    /// Every pending event and the heartbeat if one is due, or nil once the stream is closed.
    func takePending() -> Batch? {
        let taken = state.withLock { state -> Batch? in
            if state.closed { return nil }
            let batch = Batch(events: state.pending, heartbeat: state.heartbeatDue)
            state.pending.removeAll()
            state.pendingBytes = 0
            state.heartbeatDue = false
            return batch
        }
        return taken.map { Batch(events: ServerEvent.coalesced($0.events), heartbeat: $0.heartbeat) }
    }
}
