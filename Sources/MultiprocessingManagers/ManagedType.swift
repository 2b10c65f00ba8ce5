import Multiprocessing

/// A type of your own that a ``Manager``'s server holds, with named methods clients call through an
/// ``ObjectProxy``: Python's `BaseManager.register(typeid, callable)`.
///
/// ```swift
/// final class Counter { var total = 0 }
///
/// let counterType = ManagedType("Counter", make: { _ in Counter() }, methods: [
///     "add": { counter, arguments in counter.total += try arguments[0].unwrap(as: Int.self); return nil },
///     "total": { counter, _ in .int(counter.total) },
/// ])
///
/// bootstrap([counterType.registration])           // registered with the functions, first thing in main.swift
/// let counter = try manager.make(counterType)
/// try counter.call("add", 5)
/// ```
///
/// The server is this executable started again, so the type must be registered with `bootstrap(_:)` (in every
/// executable that serves it). Methods run one at a time on the server, under its lock.
public struct ManagedType: Sendable {
    /// The name clients ask the server for.
    public let typeid: String
    let make: @Sendable ([ManagedValue]) throws -> AnyObject
    let methods: [String: @Sendable (AnyObject, [ManagedValue]) throws -> ManagedValue]

    /// A type `typeid` whose objects `make` creates from the arguments of ``Manager/make(_:_:name:)``, and whose
    /// methods are `methods` by name. A method's thrown error reaches the client as
    /// `MultiprocessingError.Code.remoteError` with the error's description.
    public init<Object: AnyObject>(
        _ typeid: String, make: @escaping @Sendable ([ManagedValue]) throws -> Object,
        methods: [String: @Sendable (Object, [ManagedValue]) throws -> ManagedValue]
    ) {
        self.typeid = typeid
        self.make = make
        self.methods = methods.mapValues { method in { object, arguments in try method(object as! Object, arguments) } }
    }

    static func registrationName(_ typeid: String) -> String { "multiprocessing.manager.type." + typeid }

    /// The entry to pass to `bootstrap(_:)`, so that a manager's server started from this executable knows the
    /// type. It is not a function a `Process` can run.
    public var registration: RegisteredFunction {
        RegisteredFunction(name: Self.registrationName(typeid), attachment: self,
                           notRunnable: "\(typeid) is a managed type, not a function to run")
    }
}

/// An object of a registered ``ManagedType`` on the server.
final class ServerCustomObject: ServerObject {
    let type: ManagedType
    let object: AnyObject
    var typeid: String { type.typeid }

    init(type: ManagedType, object: AnyObject) {
        self.type = type
        self.object = object
    }

    func call(_ method: String, _ arguments: [ManagedValue], monitor: ServerMonitor) throws -> ManagedValue {
        guard let body = type.methods[method] else { throw ServerMethodError.noMethod(typeid, method) }
        return try body(object, arguments)
    }
}
