import Multiprocessing

/// The demos a demo host holds, by name.
///
/// A package builds its demo host by passing its registry to ``DemoHost/main(demos:)``, or a `lesson` with the
/// demos inside by passing it to `LessonTool.main(demos:)`.
public struct DemoRegistry: Sendable {
    // An array searched by name, not a dictionary: a cell's child builds the registry at every start, and a
    // dictionary of demos costs ~0.15 ms of runtime metadata work there, while tens of names are searched in ns.
    private var entries: [Demo] = []
    /// The sources of the files that declare the demos, when their module embeds them.
    public private(set) var sources: DemoSourceFiles

    /// A registry of these demos. A later demo with an already registered name replaces the earlier one.
    ///
    /// - Parameters:
    ///   - demos: The demos.
    ///   - sources: The Swift sources of the modules that declare them, as the `EmbedDemoSources` build plugin
    ///     embeds them (`.embedded` in such a module). With them, a lesson's cells must show the code their demos
    ///     run, and an empty cell shows it; without, a cell's code is not checked.
    public init(_ demos: [Demo] = [], sources: DemoSourceFiles = DemoSourceFiles()) {
        self.sources = sources
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

    /// Every demo's registered functions, built now, for ``Multiprocessing/bootstrap(_:)``.
    public var functions: [RegisteredFunction] { entries.flatMap(\.functions) }

    /// Registers every demo's functions with `Multiprocessing`, each demo's built only when a look-up needs it.
    ///
    /// - Parameter first: The demo whose functions a look-up tries first: the one this process tree runs, so that
    ///   a `spawn` child of a demo builds no other demo's functions (each costs the child's start ~0.1 ms).
    func registerFunctionsLazily(first: String? = nil) {
        let ordered = entries.filter { $0.name == first } + entries.filter { $0.name != first }
        for demo in ordered { FunctionRegistry.registerLazily(demo.makeFunctions) }
    }

    /// This registry with `other`'s demos and sources added; `other` wins where names clash.
    public func merging(_ other: DemoRegistry) -> DemoRegistry {
        var merged = self
        for demo in other.entries { merged.add(demo) }
        merged.sources = sources.merging(other.sources)
        return merged
    }
}
