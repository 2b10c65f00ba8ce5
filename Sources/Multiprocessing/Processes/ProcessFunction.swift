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
    /// What another module registers under this name instead of a function (a manager's custom type, say);
    /// `nil` for a function.
    package var attachment: (any Sendable)? = nil
    /// Decodes the arguments, runs the body, encodes the result.
    let invoke: @Sendable (_ arguments: [UInt8], _ transfer: DescriptorTransfer) throws -> [UInt8]
    /// Decodes an array of arguments, runs the body on each, and encodes a ``ChunkOutcome``: a ``Pool``'s chunk.
    let invokeChunk: @Sendable (_ arguments: [UInt8]) throws -> [UInt8]

    init(name: String, invoke: @escaping @Sendable (_ arguments: [UInt8], _ transfer: DescriptorTransfer) throws -> [UInt8],
         invokeChunk: @escaping @Sendable (_ arguments: [UInt8]) throws -> [UInt8]) {
        self.name = name
        self.invoke = invoke
        self.invokeChunk = invokeChunk
    }

    /// An entry that is not a function: `attachment`, registered under `name` for another module to find with
    /// ``FunctionRegistry/attachment(named:)``. Running it as a process fails with `notRunnable`.
    package init(name: String, attachment: any Sendable, notRunnable: String) {
        let error = MultiprocessingError(.invalidState, notRunnable)
        self.init(name: name, invoke: { _, _ in throw error }, invokeChunk: { _ in throw error })
        self.attachment = attachment
    }
}

/// The functions this executable registered, by name.
///
/// An array searched by name: a child builds it at every start, and tens of names are searched in nanoseconds.
package enum FunctionRegistry {
    nonisolated(unsafe) private static var entries: [RegisteredFunction] = []
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
