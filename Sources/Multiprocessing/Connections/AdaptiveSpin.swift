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
/// Polls are interleaved with `sched_yield`, which hands the CPU to any task waiting for it. When the peer shares
/// this CPU (both pinned to it, say), the peer can only answer once this process yields, and yielding after every
/// poll hands the CPU straight to it, which is cheaper than sleeping and being woken (measured: a round trip
/// 1.2–1.4× a raw pipe's, against 1.6–1.8× when sleeping). When the peer runs on another CPU, those yields only
/// delay noticing its answer (about 2 µs of a 7 µs round trip). So the spin learns which case it is in:
/// - a message found by a poll that came straight after a yield suggests the peer shares the CPU: yield after
///   every poll from then on;
/// - a message found by a poll that came after another poll, with no yield between, proves the peer runs
///   elsewhere: yield only every ``pollsBetweenYields`` polls (about 4 µs), so that a peer sharing the CPU still
///   gets it;
/// - after ``receivesBeforeRetry`` messages of yielding after every poll, try the other way again (the peer may
///   have moved).
struct AdaptiveSpin: Sendable {
    static let startWindow: Int64 = 10_000
    static let maximumWindow: Int64 = 100_000
    /// Polls between yields while the peer seems to run on another CPU, for a probe that is a system call
    /// (about 4 µs of polling).
    static let pollsBetweenYields = 16
    /// Messages received yielding after every poll before polling without yields is tried again.
    static let receivesBeforeRetry = 256

    /// Nanoseconds to poll before sleeping.
    private(set) var window: Int64 = 0
    /// Whether the peer seems to share this CPU: yield after every poll.
    private(set) var yieldsAfterEveryPoll = false
    /// Messages received since ``yieldsAfterEveryPoll`` was last set.
    private var receivesSinceSharing = 0
    /// Polls between yields while the peer seems to run on another CPU.
    let pollsBetweenYields: Int

    /// A spin that yields every `pollsBetweenYields` polls while the peer seems to run elsewhere: more for a probe
    /// that reads memory than for one that is a system call, so that both poll for about as long between yields.
    init(pollsBetweenYields: Int = Self.pollsBetweenYields) {
        self.pollsBetweenYields = pollsBetweenYields
    }

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
    /// something or the window has passed, calling `yield` between probes as the policy above says; what the probe
    /// last reported.
    mutating func spin(yield: () -> Void = { sched_yield() }, _ probe: () -> Result<Bool, Errno>)
        -> Result<Bool, Errno> {
        guard window > 0 else { return .success(false) }
        let deadline = Self.now() + window
        var polls = 0
        var yieldedBeforeThisPoll = false
        while true {
            let result = probe()
            polls += 1
            guard case .success(false) = result else {
                if case .success(true) = result, polls > 1 { learn(arrivedRightAfterYield: yieldedBeforeThisPoll) }
                return result
            }
            yieldedBeforeThisPoll = yieldsAfterEveryPoll || polls % pollsBetweenYields == 0
            if yieldedBeforeThisPoll { yield() }
            if Self.now() >= deadline { return .success(false) }
        }
    }

    /// Updates the yielding policy after a message arrived while polling (not at the first poll: that one was
    /// already there, which says nothing about where the peer runs).
    private mutating func learn(arrivedRightAfterYield: Bool) {
        if yieldsAfterEveryPoll {
            receivesSinceSharing += 1
            if receivesSinceSharing >= Self.receivesBeforeRetry { yieldsAfterEveryPoll = false }
        } else if arrivedRightAfterYield {
            yieldsAfterEveryPoll = true
            receivesSinceSharing = 0
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
