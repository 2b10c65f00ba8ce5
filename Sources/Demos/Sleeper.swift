import DemoHosting
import Multiprocessing
#if canImport(Glibc)
import Glibc
#endif

extension Demo {
    /// Announces itself, then sleeps SECONDS (default 60): longer than its cell's timeout.
    public static let sleeper = Demo("sleeper", summary: "sleeps longer than its timeout") { arguments in
        let seconds = arguments.first.flatMap { UInt32($0) } ?? 60
        // ANCHOR: shown
        print("going to sleep for \(seconds) s")
        StandardStreams.flush()
        sleep(seconds)
        print("woke up")
        // ANCHOR_END: shown
        return 0
    }
}
