import DemoHosting
import Multiprocessing
#if canImport(Glibc)
import Glibc
#endif

extension Demo {
    /// Prints a line, then dies on a runtime trap, as a force-unwrapped nil would.
    public static let crash = Demo("crash", summary: "crashes with a runtime trap") { arguments in
        // ANCHOR: shown
        print("about to read a value that is not there")
        StandardStreams.flush()
        let values: [Int] = []
        let index = arguments.count  // not a constant, so the compiler cannot see the trap coming
        return Int32(values[index])
        // ANCHOR_END: shown
    }
}
