import DemoHosting
import Multiprocessing
#if canImport(Glibc)
import Glibc
#endif

extension Demo {
    /// Writes a line to stdout, a warning to stderr, and exits with code 3 (or the code it is given).
    public static let stderrExit = Demo("stderr-exit", summary: "writes to stderr and exits with code 3") {
        arguments in
        let code = arguments.first.flatMap { Int32($0) } ?? 3
        // ANCHOR: shown
        print("checking the input...")
        StandardStreams.flush()
        StandardStreams.writeError("warning: the input is empty\n")
        return code
        // ANCHOR_END: shown
    }
}
