/// What a parent sends a child over the control channel (descriptor 3) once it has started, and what the child
/// answers.
///
/// 1. The parent starts the child with `MULTIPROCESSING_CHILD` set (spawn) or forks it, with the control socket as
///    descriptor 3 and the descriptors the arguments carry as 4, 5, ….
/// 2. The parent sends one ``StartRequest`` frame: the protocol version, the function's name, the arguments.
/// 3. The child runs the function and sends one ``ChildReply`` frame, then exits: 0 when the function returned,
///    1 when it threw or could not run.
/// 4. If the child dies before answering, the parent sees end of file on the control channel and reports the exit
///    code or signal.
struct StartRequest: Codable, Sendable {
    /// ``Handshake/version``; a child that speaks another version answers ``ChildReply/failed``.
    var version: Int
    var function: String
    var name: String
    var daemon: Bool
    var parentID: Int32
    var parentName: String
    /// How many descriptors, from 4 up, the arguments carry.
    var descriptorCount: Int
    var arguments: [UInt8]
}

/// The child's answer.
enum ChildReply: Codable, Sendable {
    /// The function returned; its encoded result.
    case returned([UInt8])
    /// The function threw (or could not run): the error's code name and description.
    case failed(code: String, description: String)
}

enum Handshake {
    static let version = 1
    /// Set in a spawned child's environment: `spawn`, or `forkserver` for the fork server.
    static let childVariable = "MULTIPROCESSING_CHILD"
    /// The parent's process id, so a spawned child can die with it before anything else.
    static let parentVariable = "MULTIPROCESSING_PARENT"
    /// The control channel's descriptor in a child.
    static let controlDescriptor: Int32 = 3
    /// The first descriptor the arguments carry.
    static let firstPassedDescriptor: Int32 = 4
}
