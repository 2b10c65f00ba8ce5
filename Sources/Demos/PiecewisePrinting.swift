import Multiprocessing
#if canImport(Glibc)
import Glibc
#endif

/// Prints `pieces` one write at a time, with a short pause after each: what a long line, or a line printed in
/// several calls, does when it goes to a pipe. A short `print` reaches a pipe in one write and never interleaves
/// with another process's, which would hide what the lock and no-lock demos show.
func printPiecewise(_ pieces: String...) {
    for piece in pieces {
        print(piece, terminator: "")
        StandardStreams.flush()
        usleep(1_000)
    }
}
