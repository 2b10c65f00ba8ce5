import DemoHosting
import Multiprocessing
#if canImport(Glibc)
import Glibc
#endif

extension Demo {
    /// Starts a grandchild that ignores SIGTERM, then sleeps past its timeout; with `--exit` it exits at once and
    /// leaves the grandchild running. Either way the runner must end the grandchild.
    public static let stubbornGrandchild = Demo(
        "stubborn-grandchild", summary: "starts a grandchild that ignores SIGTERM"
    ) { arguments in
        // ANCHOR: shown
        print("starting a grandchild that ignores SIGTERM")
        guard SigtermIgnoringProcess.start() != nil else {
            perror("fork")
            return 1
        }
        print("the grandchild is running")
        StandardStreams.flush()
        if arguments.contains("--exit") { return 0 }
        sleep(60)
        // ANCHOR_END: shown
        return 0
    }
}
