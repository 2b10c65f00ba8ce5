/// When a timed wait gives up: `nil` waits for ever. Turns what is left into a futex's relative timeout.
struct Deadline {
    private let instant: ContinuousClock.Instant?

    init(_ timeout: Duration?) {
        instant = timeout.map { ContinuousClock().now.advanced(by: $0) }
    }

    /// Whether a limit was given.
    var isLimited: Bool { instant != nil }

    /// Nanoseconds left (0 when passed), or -1 for no limit: what `lx_futex_wait` takes.
    var remainingNanoseconds: Int64 {
        guard let instant else { return -1 }
        let remaining = ContinuousClock().now.duration(to: instant)
        if remaining <= .zero { return 0 }
        return remaining.saturatingNanoseconds
    }

    /// Whether the limit has passed.
    var hasPassed: Bool { isLimited && remainingNanoseconds == 0 }
}
