import Multiprocessing

/// A barrier on the server, as Python's `threading.Barrier(parties, timeout=timeout)` (without an action: the
/// server cannot run a client's closure), and the same states: filling, draining (the last party arrived and
/// the others are leaving), resetting, broken.
///
/// A wait that times out breaks the barrier, as in Python; so does a party whose client hangs up while it
/// waits, which would otherwise hold the others' places for ever.
final class ServerBarrier: ServerObject {
    var typeid: String { "Barrier" }
    private enum State { case filling, draining, resetting, broken }

    private let parties: Int
    /// The default timeout of `wait`; `nil`: none.
    private let timeout: Duration?
    private var state = State.filling
    /// The parties inside `wait`.
    private var count = 0

    /// `arguments`: the number of parties (at least 1), then, optionally, the default timeout in seconds.
    init(_ arguments: [ManagedValue]) throws {
        guard case .int(let parties) = try arguments.argument(0, "Barrier"), parties >= 1 else {
            throw ServerMethodError("ValueError: parties must be >= 1")
        }
        self.parties = parties
        timeout = try arguments.timeout(1)
    }

    static let broken = ServerMethodError("BrokenBarrierError")

    func call(_ method: String, _ arguments: [ManagedValue], monitor: ServerMonitor) throws -> ManagedValue {
        switch method {
        case "wait": return .int(try wait(timeout: arguments.count > 0 && arguments[0] != .none
                                              ? arguments.timeout(0) : timeout, monitor: monitor))
        case "reset":
            if count > 0 {
                if state == .filling || state == .broken { state = .resetting }
            } else {
                state = .filling
            }
            return .none
        case "abort":
            state = .broken
            return .none
        case "parties": return .int(parties)
        case "n_waiting": return .int(state == .filling ? count : 0)
        case "broken": return .bool(state == .broken)
        case "__repr__":
            return .string("<Barrier parties=\(parties) waiting=\(state == .filling ? count : 0)"
                + (state == .broken ? " broken>" : ">"))
        default: throw ServerMethodError.noMethod(typeid, method)
        }
    }

    /// Python's `Barrier.wait`: the arrival's index, 0 to `parties - 1`.
    private func wait(timeout: Duration?, monitor: ServerMonitor) throws -> Int {
        // Wait for the previous round to drain or the reset to finish.
        guard monitor.wait(timeout: nil, until: { state != .draining && state != .resetting }) else {
            throw clientLeftError
        }
        if state == .broken { throw Self.broken }
        let index = count
        count += 1
        defer {
            count -= 1
            // The last to leave a draining or reset barrier fills it again.
            if count == 0 && (state == .draining || state == .resetting) { state = .filling }
        }
        if index + 1 == parties {
            state = .draining
            return index
        }
        guard monitor.wait(timeout: timeout, until: { state != .filling }) else {
            state = .broken
            throw monitor.clientHasLeft ? clientLeftError : Self.broken
        }
        if state == .broken || state == .resetting { throw Self.broken }
        return index
    }
}
