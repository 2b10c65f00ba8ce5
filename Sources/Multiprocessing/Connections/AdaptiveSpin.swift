#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// How long a receive polls for a message before it sleeps: a window that adapts to how soon messages arrive, as
/// KVM's halt polling does for an idle virtual CPU.
///
/// Sleeping in `read` and being woken by the peer's `write` costs a wake-up of this process's CPU. When the peer
/// runs on another CPU that has gone idle, that wake-up is most of a round trip (about 20 µs on a virtual machine,
/// against 2–5 µs for the data itself). A receiver that keeps polling for a few microseconds after sending its
/// own message is still running when the answer comes, so nothing needs waking.
///
/// The window:
/// - grows (from ``startWindow``, doubling up to ``maximumWindow``) after a sleep that turned out shorter than
///   ``maximumWindow``: the message would have been caught by polling;
/// - halves after a sleep longer than that, down to no polling at all: messages that come seldom cost no CPU.
///
/// Each poll is followed by `sched_yield`, so any task waiting for this CPU runs first. When the peer shares this
/// CPU (both pinned to it, say), that hands the CPU straight to the peer, which is cheaper than sleeping and being
/// woken (measured: a round trip 1.3–1.4× a raw pipe's, against 1.6–1.8× when sleeping).
struct AdaptiveSpin: Sendable {
    static let startWindow: Int64 = 10_000
    static let maximumWindow: Int64 = 100_000

    /// Nanoseconds to poll before sleeping.
    private(set) var window: Int64 = 0

    /// Records a sleep of `nanoseconds` (after polling, or without).
    mutating func slept(nanoseconds: Int64) {
        if nanoseconds <= Self.maximumWindow {
            window = window == 0 ? Self.startWindow : min(window * 2, Self.maximumWindow)
        } else {
            window /= 2
            if window < Self.startWindow { window = 0 }
        }
    }

    /// Calls `probe` (a receive or poll that does not block; `true` once something has arrived) until it reports
    /// something or the window has passed; what it last reported.
    func spin(_ probe: () -> Result<Bool, Errno>) -> Result<Bool, Errno> {
        guard window > 0 else { return .success(false) }
        let deadline = Self.now() + window
        while true {
            let result = probe()
            guard case .success(false) = result else { return result }
            sched_yield()
            if Self.now() >= deadline { return .success(false) }
        }
    }

    /// Records a sleep that started at `start` and ended now.
    mutating func sleptSince(_ start: Int64) {
        slept(nanoseconds: Self.now() - start)
    }

    /// The monotonic clock in nanoseconds (a vDSO call: no system call).
    static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}
