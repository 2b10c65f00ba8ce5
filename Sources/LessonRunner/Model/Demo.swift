/// A named piece of Swift that a cell runs in a child process.
///
/// A demo prints what the lesson shows; it receives the cell's `args=` (or `lesson run --cell ID -- ARGS`) and
/// returns the process's exit code. An error it throws is printed to stderr and the child exits with 1.
public struct Demo: Sendable {
    /// The name cells use in `demo=NAME`.
    public var name: String
    /// One line for `lesson demos` and reports.
    public var summary: String
    /// The demo's body. It runs in the child, never in the `lesson` process itself.
    public var body: @Sendable (_ arguments: [String]) throws -> Int32

    public init(_ name: String, summary: String, body: @escaping @Sendable (_ arguments: [String]) throws -> Int32) {
        self.name = name
        self.summary = summary
        self.body = body
    }
}

/// The demos a `lesson` executable knows, by name.
///
/// A package builds its own `lesson` by passing its registry to `LessonTool.main(demos:)`.
public struct DemoRegistry: Sendable {
    private var demosByName: [String: Demo] = [:]

    /// A registry of these demos. A later demo with an already registered name replaces the earlier one.
    public init(_ demos: [Demo] = []) {
        for demo in demos { demosByName[demo.name] = demo }
    }

    /// The demo registered under `name`.
    public subscript(name: String) -> Demo? { demosByName[name] }

    /// Whether a demo is registered under `name`.
    public func contains(_ name: String) -> Bool { demosByName[name] != nil }

    /// All demos, sorted by name.
    public var demos: [Demo] { demosByName.values.sorted { $0.name < $1.name } }

    /// This registry with `other`'s demos added; `other` wins where names clash.
    public func merging(_ other: DemoRegistry) -> DemoRegistry {
        var merged = self
        for demo in other.demosByName.values { merged.demosByName[demo.name] = demo }
        return merged
    }
}
