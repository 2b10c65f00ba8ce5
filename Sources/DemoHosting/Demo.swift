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
    /// The registered functions the demo runs in ``Multiprocessing/Process``es. ``DemoHost/main(demos:)``
    /// registers every demo's functions before anything else, so that the demo host, re-run as a child, finds
    /// them; each demo's list is built only when one of its names is looked up (a cell of another demo never
    /// builds it).
    public var functions: [RegisteredFunction] { makeFunctions() }
    /// Builds ``functions``: building a function instantiates its types' metadata, which costs a child's start.
    let makeFunctions: @Sendable () -> [RegisteredFunction]
    /// The demo's body. It runs in the child, never in the `lesson` process itself.
    public var body: @Sendable (_ arguments: [String]) throws -> Int32
    /// The `#fileID` of the file that declares the demo (`Demos/PoolMap.swift`): where its source is found in the
    /// registry's ``DemoSourceFiles``.
    public var fileID: String
    /// The demo's parameters as a command line's help shows them, for a demo that takes any; computed only when
    /// a catalog of the demos is asked for, never when a cell starts.
    public var usage: (@Sendable () -> String)?

    /// A demo named `name`.
    ///
    /// - Parameters:
    ///   - name: The name cells use in `demo=NAME`.
    ///   - summary: One line for `lesson demos`.
    ///   - functions: The registered functions the body starts processes with (none by default); evaluated only
    ///     when a child looks one of them up.
    ///   - fileID: The file that declares the demo; leave the default.
    ///   - usage: The demo's parameters as help text; a demo with `Options` gets it from them.
    ///   - body: Receives the cell's arguments and returns the exit code.
    public init(
        _ name: String, summary: String,
        functions: @autoclosure @escaping @Sendable () -> [RegisteredFunction] = [], fileID: String = #fileID,
        usage: (@Sendable () -> String)? = nil, body: @escaping @Sendable (_ arguments: [String]) throws -> Int32
    ) {
        self.usage = usage
        self.name = name
        self.summary = summary
        self.makeFunctions = functions
        self.fileID = fileID
        self.body = body
    }
}

extension Demo {
    /// A demo that takes no arguments and runs `main`: it exits with 0, or with 1 and the error on stderr when
    /// `main` throws.
    public init(
        _ name: String, summary: String,
        functions: @autoclosure @escaping @Sendable () -> [RegisteredFunction] = [], fileID: String = #fileID,
        main: @escaping @Sendable () throws -> Void
    ) {
        self.init(name, summary: summary, functions: functions(), fileID: fileID) { _ in
            try main()
            return 0
        }
    }
}
