import Multiprocessing

/// What travels on a manager connection once it is authenticated: one ``ManagerRequest`` frame, one
/// ``ManagerReply`` frame, in turn.
///
/// Object 0 is the server itself: `create` (typeid, name or None, arguments) answers the new object's id,
/// `shutdown` stops the server. Other ids name the objects it holds; their methods are Python's names (`get`,
/// `set`, `append`, `acquire`, …).
///
/// On the wire (``WireMessage``): a request is the object's id, the method's name, and a sequence of arguments;
/// a reply is `true` and the value, or `false` and the failure's description. A ``ManagedValue`` is written with
/// the tag of its kind: `null`, `false`/`true`, `int`, `double`, `string`, `bytes` for ``ManagedValue/encoded(_:)``,
/// a sequence for a list, and the `keyed` tag, a count and count × (key, value) for a dict.
struct ManagerRequest: Sendable, WireMessage {
    var object: Int
    var method: String
    var arguments: [ManagedValue]

    init(object: Int, method: String, arguments: [ManagedValue]) {
        self.object = object
        self.method = method
        self.arguments = arguments
    }

    package func write(to bytes: inout [UInt8]) {
        bytes.appendTagged(object)
        bytes.appendTagged(method)
        arguments.write(to: &bytes)
    }

    package init(from reader: inout WireReader) throws(MultiprocessingError) {
        object = try reader.int()
        method = try reader.string()
        arguments = try [ManagedValue](from: &reader)
    }
}

/// The server's answer to a request.
enum ManagerReply: Sendable, WireMessage {
    case value(ManagedValue)
    /// The method failed on the server: Python's exception, as `KeyError: 'x'`.
    case failure(String)

    package func write(to bytes: inout [UInt8]) {
        switch self {
        case .value(let value):
            bytes.appendTagged(true)
            value.write(to: &bytes)
        case .failure(let description):
            bytes.appendTagged(false)
            bytes.appendTagged(description)
        }
    }

    package init(from reader: inout WireReader) throws(MultiprocessingError) {
        self = try reader.bool() ? .value(try ManagedValue(from: &reader)) : .failure(try reader.string())
    }
}

/// The server's answer to a `create` request's name lookup; ids start from 1.
enum ManagerControl {
    static let serverObject = 0
}
