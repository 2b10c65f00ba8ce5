/// A function a child process can run: registered under a stable name, with Codable arguments and result.
///
/// Swift cannot send a closure to another process, so a ``Process`` names the function to run, and the child —
/// the same executable started again, or a fork — looks it up by that name. Declare each function once, as a
/// global or static constant, register it with ``bootstrap(_:)``, and start processes with the typed handle:
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

    /// The entry to pass to ``bootstrap(_:)``.
    public var registration: RegisteredFunction {
        let body = self.body
        return RegisteredFunction(name: name, invoke: { bytes, transfer in
            let arguments = try BinaryDecoder(transfer: transfer).decode(Arguments.self, from: bytes)
            let result = try body(arguments)
            return try BinaryEncoder().encode(result)
        }, invokeChunk: { bytes in
            try ChunkOutcome<Result>.run(body, on: ChunkCoding.decode(bytes, as: Arguments.self))
        })
    }
}

/// A ``ProcessFunction`` with its types erased, as the registry in ``bootstrap(_:)`` holds it.
public struct RegisteredFunction: Sendable {
    /// The name the child looks the function up by.
    public let name: String
    /// A type a ``Manager``'s server can hold, registered under this name; `nil` for a function.
    var managedType: ManagedType? = nil
    /// Decodes the arguments, runs the body, encodes the result.
    let invoke: @Sendable (_ arguments: [UInt8], _ transfer: DescriptorTransfer) throws -> [UInt8]
    /// Decodes an array of arguments, runs the body on each, and encodes a ``ChunkOutcome``: a ``Pool``'s chunk.
    let invokeChunk: @Sendable (_ arguments: [UInt8]) throws -> [UInt8]
}

/// The functions this executable registered, by name.
///
/// An array searched by name: a child builds it at every start, and tens of names are searched in nanoseconds.
enum FunctionRegistry {
    nonisolated(unsafe) private static var entries: [RegisteredFunction] = [ManagerServer.function.registration]
    private static let lock = _PthreadLock()

    static func register(_ functions: [RegisteredFunction]) {
        lock.withLock {
            for function in functions {
                if let index = entries.firstIndex(where: { $0.name == function.name }) {
                    entries[index] = function
                } else {
                    entries.append(function)
                }
            }
        }
    }

    static func lookUp(_ name: String) -> RegisteredFunction? {
        lock.withLock { entries.first { $0.name == name } }
    }

    static var names: [String] { lock.withLock { entries.map(\.name) } }
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
