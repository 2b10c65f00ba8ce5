/// Two arguments for one registered function: the element type of ``Pool/starmap(_:_:chunksize:)``.
public struct Pair<First: Codable & Sendable, Second: Codable & Sendable>: Codable, Sendable {
    /// The first argument.
    public var first: First
    /// The second argument.
    public var second: Second

    /// The two arguments.
    public init(_ first: First, _ second: Second) {
        self.first = first
        self.second = second
    }
}
