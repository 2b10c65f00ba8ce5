import Multiprocessing

/// A semaphore on the server, as Python's `threading.Semaphore`, or, bounded, `threading.BoundedSemaphore`: a
/// release that would raise the value above the initial one fails.
final class ServerSemaphore: ServerObject {
    let typeid: String
    private var value: Int
    /// The initial value, which a bounded semaphore's value never exceeds; `nil` for an unbounded one.
    private let bound: Int?

    init(value: Int, bounded: Bool) throws {
        guard value >= 0 else { throw ServerMethodError("ValueError: semaphore initial value must be >= 0") }
        self.value = value
        bound = bounded ? value : nil
        typeid = bounded ? "BoundedSemaphore" : "Semaphore"
    }

    func call(_ method: String, _ arguments: [ManagedValue], monitor: ServerMonitor) throws -> ManagedValue {
        switch method {
        case "acquire":
            guard try monitor.waitToTake(as: arguments, until: { value > 0 }) else {
                return .bool(false)
            }
            value -= 1
            return .bool(true)
        case "release":
            let count = try arguments.integer(0, method, default: 1)
            guard count >= 1 else { throw ServerMethodError("ValueError: n must be one or more") }
            if let bound, count > bound - value {
                throw ServerMethodError("ValueError: Semaphore released too many times")
            }
            let (sum, overflow) = value.addingReportingOverflow(count)
            guard !overflow else { throw ServerMethodError("OverflowError: the semaphore's value would overflow") }
            value = sum
            return .none
        case "get_value": return .int(value)
        case "__repr__":
            return .string("<\(typeid) value=\(value)\(bound.map { "/\($0)" } ?? "")>")
        default: throw ServerMethodError.noMethod(typeid, method)
        }
    }
}
