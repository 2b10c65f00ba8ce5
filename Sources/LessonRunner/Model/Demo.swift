import Multiprocessing

/// A named piece of Swift that a cell runs in a child process.
///
/// A demo prints what the lesson shows; it receives the cell's `args=` (or `lesson run --cell ID -- ARGS`) and
/// returns the process's exit code. An error it throws is printed to stderr and the child exits with 1.
public struct Demo: Sendable {
    /// The name cells use in `demo=NAME`.
    public var name: String
    /// One line for `lesson demos` and reports.
    public var summary: String
    /// The registered functions the demo runs in ``Multiprocessing/Process``es. `LessonTool.main(demos:)`
    /// registers every demo's functions with ``Multiprocessing/bootstrap(_:)`` before anything else, so that the
    /// `lesson` executable, re-run as a child, finds them.
    public var functions: [RegisteredFunction]
    /// The demo's body. It runs in the child, never in the `lesson` process itself.
    public var body: @Sendable (_ arguments: [String]) throws -> Int32

    /// A demo named `name`.
    ///
    /// - Parameters:
    ///   - name: The name cells use in `demo=NAME`.
    ///   - summary: One line for `lesson demos`.
    ///   - functions: The registered functions the body starts processes with (none by default).
    ///   - body: Receives the cell's arguments and returns the exit code.
    public init(
        _ name: String, summary: String, functions: [RegisteredFunction] = [],
        body: @escaping @Sendable (_ arguments: [String]) throws -> Int32
    ) {
        self.name = name
        self.summary = summary
        self.functions = functions
        self.body = body
    }
}

/// The demos a `lesson` executable knows, by name.
///
/// A package builds its own `lesson` by passing its registry to `LessonTool.main(demos:)`.
public struct DemoRegistry: Sendable {
    // An array searched by name, not a dictionary: a cell's child builds the registry at every start, and a
    // dictionary of demos costs ~0.15 ms of runtime metadata work there, while tens of names are searched in ns.
    private var entries: [Demo] = []

    /// A registry of these demos. A later demo with an already registered name replaces the earlier one.
    public init(_ demos: [Demo] = []) {
        for demo in demos { add(demo) }
    }

    private mutating func add(_ demo: Demo) {
        if let index = entries.firstIndex(where: { $0.name == demo.name }) {
            entries[index] = demo
        } else {
            entries.append(demo)
        }
    }

    /// The demo registered under `name`.
    public subscript(name: String) -> Demo? { entries.first { $0.name == name } }

    /// Whether a demo is registered under `name`.
    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// All demos, sorted by name.
    public var demos: [Demo] { entries.sorted { $0.name < $1.name } }

    /// Every demo's registered functions, for ``Multiprocessing/bootstrap(_:)``.
    public var functions: [RegisteredFunction] { entries.flatMap(\.functions) }

    /// This registry with `other`'s demos added; `other` wins where names clash.
    public func merging(_ other: DemoRegistry) -> DemoRegistry {
        var merged = self
        for demo in other.entries { merged.add(demo) }
        return merged
    }
}
