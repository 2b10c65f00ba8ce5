import Multiprocessing

/// An object a manager's server holds, called by method name; runs under the server's ``ServerMonitor`` lock.
protocol ServerObject: AnyObject {
    var typeid: String { get }
    func call(_ method: String, _ arguments: [ManagedValue], monitor: ServerMonitor) throws -> ManagedValue
    /// The connection numbered `client` ended (under the monitor's lock): what it held for itself goes.
    func clientLeft(_ client: Int)
}

extension ServerObject {
    func clientLeft(_ client: Int) {}
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

    /// The timeout in seconds at `index` (`nil`: none given, or `None`): what a client sent, so any value. One of
    /// more than ``longestTimeout`` seconds waits for ever; a negative or NaN one is Python's `ValueError`.
    func timeout(_ index: Int) throws -> Duration? {
        guard index < count else { return nil }
        let seconds: Double
        switch self[index] {
        case .double(let value): seconds = value
        case .int(let value): seconds = Double(value)
        default: return nil
        }
        guard seconds >= 0 else {  // false for NaN too
            throw ServerMethodError("ValueError: timeout must be a non-negative number, not \(seconds)")
        }
        return seconds > Self.longestTimeout ? nil : .nanoseconds(Int64(seconds * 1e9))
    }

    /// A billion seconds (about 32 years); longer timeouts wait for ever (and fit no `Int64` of nanoseconds).
    static var longestTimeout: Double { 1e9 }
}

extension Array where Element == ManagedValue {
    /// The integer argument at `index`, `fallback` when there is none (or it is `None`).
    func integer(_ index: Int, _ method: String, default fallback: Int) throws -> Int {
        guard index < count else { return fallback }
        switch self[index] {
        case .int(let value): return value
        case .none: return fallback
        default: throw ServerMethodError("TypeError: \(method) takes an integer, not \(self[index])")
        }
    }
}

/// Why a waiting method stopped without an answer: its client hung up. The thread has no one to reply to.
let clientLeftError = ServerMethodError("ConnectionError: the client hung up while it waited")
