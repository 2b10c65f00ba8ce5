#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing

/// The one lock every call on a manager's server runs under, with a condition variable that blocking methods
/// (a lock's `acquire`, a queue's `get`, an event's `wait`) sleep on. Every call broadcasts when it is done, so a
/// waiter re-checks after any change.
///
/// Each connection's thread calls through a view of its own (``forClient(_:id:)``), which shares the lock and knows
/// the client: a method can tell who calls (a condition's lock has an owner), and a wait ends early when the
/// client hangs up, so that a waiter that is gone never takes a lock, an item or a barrier's place.
final class ServerMonitor: Sendable {
    private let lock: _PthreadLock
    /// The client's socket, or -1 for calls that come from no connection (the fuzz target's).
    private let descriptor: Int32
    /// The connection's number on this server, unique for its life; 0 for no connection.
    let client: Int

    /// How often a waiting call checks that its client is still connected.
    static let hangUpCheckInterval: Duration = .milliseconds(100)

    /// The monitor of a new server, for calls that come from no connection.
    init() {
        lock = _PthreadLock()
        descriptor = -1
        client = 0
    }

    private init(lock: _PthreadLock, descriptor: Int32, client: Int) {
        self.lock = lock
        self.descriptor = descriptor
        self.client = client
    }

    /// The view of the connection on `descriptor`, numbered `id`.
    func forClient(_ descriptor: Int32, id: Int) -> ServerMonitor {
        ServerMonitor(lock: lock, descriptor: descriptor, client: id)
    }

    /// Runs `body` under the lock, then wakes every waiter.
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        try lock.withLock {
            defer { lock.broadcast() }
            return try body()
        }
    }

    /// With the lock held: runs `body` without it (other clients' calls go on meanwhile), then takes it again.
    /// For work that waits on something other than the server's objects (a pool's workers); `body` must touch no
    /// object's state.
    func unlocked<T>(_ body: () throws -> T) rethrows -> T {
        try lock.unlocked(body)
    }

    /// With the lock held: waits until `ready()`, `timeout` passed (`nil`: no limit) or the client hung up. Returns
    /// whether it became ready; ``clientHasLeft`` tells a hang-up from a timeout.
    func wait(timeout: Duration?, until ready: () -> Bool) -> Bool {
        guard descriptor >= 0 else { return lock.wait(timeout: timeout, until: ready) }
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now.advanced(by: $0) }
        while true {
            var slice = Self.hangUpCheckInterval
            if let deadline { slice = max(.zero, min(slice, clock.now.duration(to: deadline))) }
            if lock.wait(timeout: slice, until: ready) { return true }
            if let deadline, clock.now >= deadline { return false }
            if clientHasLeft { return false }
        }
    }

    /// ``wait(timeout:until:)`` for a call that takes something once `ready()` (a lock, a unit of a semaphore, a
    /// queue's item): false, so that it takes nothing, when the client hung up, even if it became ready.
    func waitToTake(timeout: Duration?, until ready: () -> Bool) -> Bool {
        wait(timeout: timeout, until: ready) && !clientHasLeft
    }

    /// ``waitToTake(timeout:until:)`` for a call of Python's form `method(block=True, timeout=None)`, whose
    /// `arguments` say how long to wait: not at all when `block` is false.
    func waitToTake(as arguments: [ManagedValue], until ready: () -> Bool) throws -> Bool {
        let block = arguments.first != .bool(false)
        return waitToTake(timeout: block ? try arguments.timeout(1) : .zero, until: ready)
    }

    /// Whether the client closed its end (or reset it): a waiting call checks this between slices of its wait.
    /// A client sends nothing while it waits for a reply, so anything else to read means it is still there.
    var clientHasLeft: Bool {
        guard descriptor >= 0 else { return false }
        var byte: UInt8 = 0
        let count = recv(descriptor, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        if count > 0 { return false }
        if count == 0 { return true }
        switch errno {
        case EAGAIN, EWOULDBLOCK, EINTR: return false
        default: return true
        }
    }
}
