/// A function a child process can run: registered under a stable name, with Codable arguments and result.
///
/// Swift cannot send a closure to another process, so a ``Process`` names the function to run, and the child —
/// the same executable started again, or a fork — looks it up by that name. Declare each function once, as a
/// global or static constant, register it with ``bootstrap(_:)-([RegisteredFunction])``, and start processes
/// with the typed handle:
///
/// ```swift
/// let square = ProcessFunction("square") { (number: Int) in number * number }
///
/// bootstrap([square.registration])            // first thing in main.swift
/// let process = Process(target: square, arguments: 7)
/// try process.start()
/// let result: Int = try process.value()       // 49
/// ```
///
/// The name must be the same in every build that talks to another (it is what travels), and unique in the
/// executable.
public struct ProcessFunction<Arguments: Codable & Sendable, Result: Codable & Sendable>: Sendable {
    /// The name the child looks the function up by.
    public let name: String
    /// The function's body. It runs in the child.
    public let body: @Sendable (Arguments) throws -> Result

    /// A function registered as `name`.
    public init(_ name: String, _ body: @escaping @Sendable (Arguments) throws -> Result) {
        self.name = name
        self.body = body
    }

    /// The entry to pass to ``bootstrap(_:)-([RegisteredFunction])``.
    public var registration: RegisteredFunction {
        let body = self.body
        return RegisteredFunction(name: name, invoke: { bytes, transfer in
            let arguments = try BinaryDecoder(transfer: transfer).decode(Arguments.self, from: bytes)
            let result = try body(arguments)
            return try BinaryEncoder().encode(result)
        }, invokeChunk: { bytes, transfer in
            try ChunkOutcome<Result>.run(body, on: ChunkCoding.decode(bytes, as: Arguments.self, transfer: transfer))
        })
    }
}

/// A ``ProcessFunction`` with its types erased, as the registry in ``bootstrap(_:)-([RegisteredFunction])`` holds it.
public struct RegisteredFunction: Sendable {
    /// The name the child looks the function up by.
    public let name: String
    /// What another module registers under this name instead of a function (a manager's custom type, say);
    /// `nil` for a function.
    package var attachment: (any Sendable)? = nil
    /// Decodes the arguments, runs the body, encodes the result.
    let invoke: @Sendable (_ arguments: [UInt8], _ transfer: DescriptorTransfer) throws -> [UInt8]
    /// Decodes an array of arguments, runs the body on each, and encodes a ``ChunkOutcome``: a ``Pool``'s chunk.
    let invokeChunk: @Sendable (_ arguments: [UInt8], _ transfer: DescriptorTransfer) throws -> [UInt8]

    init(name: String, invoke: @escaping @Sendable (_ arguments: [UInt8], _ transfer: DescriptorTransfer) throws -> [UInt8],
         invokeChunk: @escaping @Sendable (_ arguments: [UInt8], _ transfer: DescriptorTransfer) throws -> [UInt8]) {
        self.name = name
        self.invoke = invoke
        self.invokeChunk = invokeChunk
    }

    /// An entry that is not a function: `attachment`, registered under `name` for another module to find with
    /// ``FunctionRegistry/attachment(named:)``. Running it as a process fails with `notRunnable`.
    package init(name: String, attachment: any Sendable, notRunnable: String) {
        let error = MultiprocessingError(.invalidState, notRunnable)
        self.init(name: name, invoke: { _, _ in throw error }, invokeChunk: { _, _ in throw error })
        self.attachment = attachment
    }
}

/// The functions this executable registered, by name.
///
/// An array searched by name: a child builds it at every start, and tens of names are searched in nanoseconds.
///
/// Functions may also be registered as groups that are built only when a name is looked up and not found among the
/// built ones (``registerLazily(_:)``). Building a ``RegisteredFunction`` instantiates the generic metadata of its
/// arguments' and result's types, and each first conformance check that this needs scans every conformance record
/// of the executable (~0.1 ms in a demo host); a process that runs one demo, or one function, should pay only for
/// the functions it uses.
package enum FunctionRegistry {
    nonisolated(unsafe) private static var entries: [RegisteredFunction] = []
    /// Groups not built yet, in registration order; a group's entries replace earlier ones of the same names.
    nonisolated(unsafe) private static var pending: [@Sendable () -> [RegisteredFunction]] = []
    private static let lock = _PthreadLock()

    static func register(_ functions: [RegisteredFunction]) {
        lock.withLock { add(functions) }
    }

    /// Registers the functions `group` builds, building them on the first look-up that does not find its name
    /// among the functions built so far. Names are meant to be unique: for a name registered twice, which entry
    /// a look-up finds is unspecified when one of them is in a group.
    package static func registerLazily(_ group: @escaping @Sendable () -> [RegisteredFunction]) {
        lock.withLock { pending.append(group) }
    }

    /// Adds `functions`, replacing entries of the same names. Called with the lock held.
    private static func add(_ functions: [RegisteredFunction]) {
        for function in functions {
            if let index = entries.firstIndex(where: { $0.name == function.name }) {
                entries[index] = function
            } else {
                entries.append(function)
            }
        }
    }

    /// Builds every pending group, so that later registrations replace what came before. Called with the lock held.
    private static func buildPending() {
        while !pending.isEmpty { add(pending.removeFirst()()) }
    }

    /// The function registered under `name`: a built one, else the first that the pending groups, built in order
    /// until one has it, provide.
    static func lookUp(_ name: String) -> RegisteredFunction? {
        lock.withLock {
            if let found = entries.first(where: { $0.name == name }) { return found }
            while !pending.isEmpty {
                let built = pending.removeFirst()()
                add(built)
                if let found = built.last(where: { $0.name == name }) { return found }
            }
            return nil
        }
    }

    static var names: [String] { lock.withLock { buildPending(); return entries.map(\.name) } }

    /// What was registered under `name` with ``RegisteredFunction/init(name:attachment:notRunnable:)``.
    package static func attachment(named name: String) -> (any Sendable)? {
        lookUp(name)?.attachment
    }
}

extension ProcessFunction where Result == Empty {
    /// A function that returns nothing, as most ``Process`` targets (Python's functions that return `None`):
    ///
    /// ```swift
    /// let greet = ProcessFunction("greet") { (name: String) in
    ///     print("hello \(name)")
    /// }
    /// ```
    public init(_ name: String, _ body: @escaping @Sendable (Arguments) throws -> Void) {
        self.init(name) { (arguments: Arguments) throws -> Empty in
            try body(arguments)
            return Empty()
        }
    }
}
