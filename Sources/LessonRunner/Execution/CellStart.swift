#if canImport(Glibc)
import Glibc
#endif

/// How a cell's process starts.
public enum CellStart: Sendable, Equatable {
    /// Forked from a copy of the demo host kept running for the purpose (`CellServer` in DemoHosting), as the
    /// first process of a PID namespace of its own: a cell costs a `fork`. Used when cells run in PID namespaces
    /// and the host serves cells; otherwise cells are executed.
    case forkedFromHost
    /// The demo host executed anew for each cell.
    case executed

    /// The variable that chooses: `LESSON_CELL_START=exec` executes every cell.
    public static let environmentVariable = "LESSON_CELL_START"

    /// What `LESSON_CELL_START` asks for: ``executed`` for `exec`, ``forkedFromHost`` otherwise.
    public static var requested: CellStart {
        getenv(environmentVariable).map { String(cString: $0) } == "exec" ? .executed : .forkedFromHost
    }
}
