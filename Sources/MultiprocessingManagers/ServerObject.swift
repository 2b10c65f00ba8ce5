import Multiprocessing

/// An object a manager's server holds, called by method name; runs under the server's ``ServerMonitor`` lock.
protocol ServerObject: AnyObject {
    var typeid: String { get }
    func call(_ method: String, _ arguments: [ManagedValue], monitor: ServerMonitor) throws -> ManagedValue
}

/// An error a server-side method throws: described as Python's exception, as `KeyError: 'x'`.
struct ServerMethodError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }

    static func noMethod(_ typeid: String, _ method: String) -> ServerMethodError {
        ServerMethodError("AttributeError: '\(typeid)' object has no method '\(method)'")
    }
}

extension Array where Element == ManagedValue {
    /// The argument at `index`, or a `TypeError` naming the method.
    func argument(_ index: Int, _ method: String) throws -> ManagedValue {
        guard index < count else { throw ServerMethodError("TypeError: \(method) takes \(index + 1) arguments") }
        return self[index]
    }

    /// An optional timeout in seconds, as a duration.
    func timeout(_ index: Int) -> Duration? {
        guard index < count else { return nil }
        switch self[index] {
        case .double(let seconds): return .milliseconds(Int64(seconds * 1000))
        case .int(let seconds): return .seconds(seconds)
        default: return nil
        }
    }
}
