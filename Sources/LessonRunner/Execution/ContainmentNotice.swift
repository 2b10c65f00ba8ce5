import Multiprocessing
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// How cells are contained, and the one line a run prints when they cannot be contained by the kernel.
///
/// By default every cell is the first process of a PID namespace of its own, so nothing it starts survives the
/// runner, even a runner killed with `SIGKILL`. `LESSON_CONTAINMENT=process-table` asks for the fallback on
/// purpose; the kernel may also refuse namespaces (a container without them). Then cells are contained by a
/// `/proc` scan while the runner lives, and the first such cell of a run prints why on stderr.
public enum ContainmentNotice {
    /// The environment variable that chooses the containment: `namespace` (the default) or `process-table`.
    public static let variable = "LESSON_CONTAINMENT"

    private static let printed = Atomic<Bool>(false)

    /// The containment `LESSON_CONTAINMENT` asks for.
    static var requested: ProcessContainer.Containment {
        getenv(variable).map { String(cString: $0) } == "process-table" ? .processTable : .pidNamespace
    }

    /// Why cells of this run are not in namespaces, or nil if they are.
    public static var fallbackReason: String? {
        if requested == .processTable { return "\(variable)=process-table" }
        return ProcessContainer.namespaceFallbackReason
    }

    /// Prints, once per process, that cells run without a namespace and why.
    static func noteFallback() {
        guard !printed.exchange(true, ordering: .relaxed) else { return }
        let reason = fallbackReason ?? "unknown reason"
        StandardStreams.writeError(
            "lesson: note: cells run without a PID namespace of their own (\(reason)); what a cell starts is "
                + "ended while lesson runs, but not if lesson itself is killed\n")
    }
}
