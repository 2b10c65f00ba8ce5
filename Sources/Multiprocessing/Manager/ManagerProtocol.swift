/// What travels on a manager connection once it is authenticated: one ``ManagerRequest`` frame, one
/// ``ManagerReply`` frame, in turn.
///
/// Object 0 is the server itself: `create` (typeid, name or None, arguments) answers the new object's id,
/// `shutdown` stops the server. Other ids name the objects it holds; their methods are Python's names (`get`,
/// `set`, `append`, `acquire`, …).
struct ManagerRequest: Codable, Sendable {
    var object: Int
    var method: String
    var arguments: [ManagedValue]
}

/// The server's answer to a request.
enum ManagerReply: Codable, Sendable {
    case value(ManagedValue)
    /// The method failed on the server: Python's exception, as `KeyError: 'x'`.
    case failure(String)
}

/// The server's answer to a `create` request's name lookup; ids start from 1.
enum ManagerControl {
    static let serverObject = 0
}
