/// A call of a registered function, made later in a worker: joblib's `delayed(f)(x)`.
///
/// ```swift
/// let results = try Parallel(jobs: 2)((0..<10).map { square.delayed($0) })
/// ```
///
/// Also the ``Pool``'s initializer: `Pool(processes: 2, initializer: setUp.delayed(config))`.
public struct Delayed<Result: Codable & Sendable>: Sendable {
    /// The name of the function, as workers look it up.
    public let functionName: String
    /// The argument, type-erased so that calls of one function can be batched.
    let argument: any Sendable
    /// Encodes the arguments of calls of this same function as one array, a chunk, with the descriptors of the
    /// resources among them.
    let encodeArguments: @Sendable ([any Sendable]) throws -> ([UInt8], DescriptorBundle?)
}

extension ProcessFunction {
    /// This function called with `arguments`, to run later in a worker: joblib's `delayed(f)(arguments)`.
    public func delayed(_ arguments: Arguments) -> Delayed<Result> {
        Delayed(functionName: name, argument: arguments) { values in
            try ChunkCoding.encodeCarrying(values.map { $0 as! Arguments })
        }
    }
}
