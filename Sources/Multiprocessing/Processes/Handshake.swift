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
struct StartRequest: Sendable, WireMessage {
    /// ``Handshake/version``; a child that speaks another version answers ``ChildReply/failed``.
    var version: Int
    var function: String
    var name: String
    /// The child's ``Process/identity``, which names its own children.
    var identity: [Int]
    /// How the child was started: its own default start method, as the context that started it.
    var startMethod: StartMethod
    /// The tree's authentication key, ``ProcessDescription/authkey``.
    var authkey: [UInt8]
    var daemon: Bool
    var parentID: Int32
    var parentName: String
    /// How many descriptors, from 4 up, the arguments carry.
    var descriptorCount: Int
    var arguments: [UInt8]

    func write(to bytes: inout [UInt8]) {
        bytes.appendTagged(version)
        bytes.appendTagged(function)
        bytes.appendTagged(name)
        bytes.appendTagged(identity.map(String.init).joined(separator: ":"))
        bytes.appendTagged(startMethod.rawValue)
        bytes.appendTagged(authkey)
        bytes.appendTagged(daemon)
        bytes.appendTagged(Int(parentID))
        bytes.appendTagged(parentName)
        bytes.appendTagged(descriptorCount)
        bytes.appendTagged(arguments)
    }

    init(version: Int, function: String, name: String, identity: [Int], startMethod: StartMethod,
         authkey: [UInt8] = [], daemon: Bool, parentID: Int32, parentName: String, descriptorCount: Int,
         arguments: [UInt8]) {
        self.version = version
        self.function = function
        self.name = name
        self.identity = identity
        self.startMethod = startMethod
        self.authkey = authkey
        self.daemon = daemon
        self.parentID = parentID
        self.parentName = parentName
        self.descriptorCount = descriptorCount
        self.arguments = arguments
    }

    /// Reads a request; a request of another version is read as far as its version (the rest may differ).
    init(from reader: inout WireReader) throws(MultiprocessingError) {
        let version = try reader.int()
        guard version == Handshake.version else {
            reader.skipRest()
            self.init(version: version, function: "", name: "", identity: [], startMethod: .spawn, daemon: false,
                      parentID: 0, parentName: "", descriptorCount: 0, arguments: [])
            return
        }
        let function = try reader.string()
        let name = try reader.string()
        let identityText = try reader.string()
        let identity = identityText.isEmpty ? [] : identityText.split(separator: ":").map { Int($0) }
        guard identity.allSatisfy({ $0 != nil }), let startMethod = StartMethod(rawValue: try reader.string()) else {
            throw MultiprocessingError(.codingFailed, "a malformed start request: the identity or start method")
        }
        let authkey = try reader.bytes()
        let daemon = try reader.bool()
        guard let parentID = Int32(exactly: try reader.int()) else {
            throw MultiprocessingError(.codingFailed, "a malformed start request: the parent's id")
        }
        self.init(version: version, function: function, name: name, identity: identity.compactMap { $0 },
                  startMethod: startMethod, authkey: authkey, daemon: daemon, parentID: parentID,
                  parentName: try reader.string(), descriptorCount: try reader.int(), arguments: try reader.bytes())
    }
}

/// The child's answer.
enum ChildReply: Sendable, WireMessage {
    /// The function returned; its encoded result.
    case returned([UInt8])
    /// The function threw (or could not run): the error's code name and description.
    case failed(code: String, description: String)

    func write(to bytes: inout [UInt8]) {
        switch self {
        case .returned(let result):
            bytes.appendTagged(result)
        case .failed(let code, let description):
            bytes.appendTagged(code)
            bytes.appendTagged(description)
        }
    }

    init(from reader: inout WireReader) throws(MultiprocessingError) {
        if try reader.peekTag() == BinaryTag.bytes {
            self = .returned(try reader.bytes())
        } else {
            self = .failed(code: try reader.string(), description: try reader.string())
        }
    }
}

enum Handshake {
    static let version = 3
    /// Set in a spawned child's environment: `spawn`, or `forkserver` for the fork server.
    static let childVariable = "MULTIPROCESSING_CHILD"
    /// The parent's process id, so a spawned child can die with it before anything else.
    static let parentVariable = "MULTIPROCESSING_PARENT"
    /// The control channel's descriptor in a child.
    static let controlDescriptor: Int32 = 3
    /// The first descriptor the arguments carry.
    static let firstPassedDescriptor: Int32 = 4
}
