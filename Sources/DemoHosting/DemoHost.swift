import Multiprocessing
#if canImport(Glibc)
import Glibc
#endif

/// The entry point of a demo host: the small executable that holds a course's demos and runs its cells, while the
/// `lesson` tool, which parses, checks and renders, stays in a process of its own.
///
/// A course package's host is one line, its `main.swift`:
///
/// ```swift
/// import DemoHosting
///
/// DemoHost.main(demos: myDemos)   // first thing: in a cell's child this runs the cell's demo and exits
/// ```
///
/// and `lesson --demos .build/release/my-demos check Lessons` (or `LESSON_DEMOS=…`) runs the lessons with it. The
/// host links the demos and the `Multiprocessing` library and nothing of the renderer, so a cell and every `spawn`
/// child of a demo start as fast as a small program does.
///
/// A host does four things, each decided by its environment:
/// - as a cell's child (`CellMode`), it runs the named demo and exits with its exit code;
/// - as a cell server (`CellServer`), it forks each cell the runner asks for from itself, until the runner
///   closes its socket;
/// - as a `Multiprocessing` child (`spawn`, `forkserver`), ``Multiprocessing/bootstrap(_:)`` runs the requested
///   function and exits;
/// - asked for its catalog (``DemoHostReply/queryVariable``), it writes a ``DemoCatalog`` to stdout and exits.
///
/// Run by hand, it lists its demos and says how to use it.
public enum DemoHost {
    /// Answers the runner as a cell's child, a `Multiprocessing` child or a catalog query, and exits; otherwise
    /// prints what it is and exits with 2.
    public static func main(demos: DemoRegistry) -> Never {
        runIfRequested(demos: demos)
        let name = CommandLine.arguments.first.map { $0.split(separator: "/").last.map(String.init) ?? $0 } ?? "host"
        var text = """
            \(name): a demo host: it runs the cells of lessons for the `lesson` tool, which finds it with
            --demos PATH or LESSON_DEMOS=PATH (for example: lesson check Lessons --demos \(CommandLine.arguments[0])).

            Demos:

            """
        let width = demos.demos.map(\.name.count).max() ?? 0
        for demo in demos.demos {
            text += "  \(demo.name)\(String(repeating: " ", count: width - demo.name.count))  \(demo.summary)\n"
        }
        StandardStreams.writeError(text)
        exit(2)
    }

    /// Registers the demos' functions with `Multiprocessing`, then, in a child of the runner, runs what the runner
    /// asked for and exits. Returns only in a process that nobody asked anything of.
    public static func runIfRequested(demos: DemoRegistry) {
        demos.registerFunctionsLazily(first: getenv(CellMode.runningDemoVariable).map { String(cString: $0) })
        bootstrap([])
        CellMode.runIfRequested(demos: demos)
        CellServer.serveIfRequested(demos: demos)
        answerCatalogQueryIfRequested(demos: demos)
    }

    private static func answerCatalogQueryIfRequested(demos: DemoRegistry) {
        guard let asked = getenv(DemoHostReply.queryVariable).map({ String(cString: $0) }) else { return }
        unsetenv(DemoHostReply.queryVariable)
        let reply: [UInt8]
        if asked != String(DemoHostReply.protocolVersion) {
            // The asker speaks another version: say which one this host speaks, and nothing else.
            reply = DemoHostReply.header(payloadLength: 0)
        } else {
            do {
                reply = try DemoHostReply.encode(demos.catalog)
            } catch {
                StandardStreams.writeError("demo host: cannot encode the catalog: \(error)\n")
                exit(1)
            }
        }
        exit(StandardStreams.writeOutput(bytes: reply) ? 0 : 1)
    }
}
