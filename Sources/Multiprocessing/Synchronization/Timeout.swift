// Timeouts as callers pass them: checked once at the public entry point, then converted for the kernel without
// trapping on any value (a timeout of a million years is as good as none).

extension Duration {
    /// Whole nanoseconds, saturating at `Int64`'s bounds instead of overflowing.
    package var saturatingNanoseconds: Int64 {
        // `components` itself traps beyond `Int64` seconds, which a sum of durations can reach.
        if self >= .seconds(Int64.max / 1_000_000_000) { return .max }
        if self <= .seconds(Int64.min / 1_000_000_000) { return .min }
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, carry) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow || carry { return seconds < 0 ? .min : .max }
        return total
    }
}

/// Checks a caller's timeout: `nil` (no limit) or not negative, as Python's `ValueError: 'timeout' must be a
/// non-negative number`.
///
/// - Throws: ``MultiprocessingError/Code/invalidArgument`` for a negative timeout.
package func _checkTimeout(_ timeout: Duration?, _ what: String) throws(MultiprocessingError) {
    if let timeout, timeout < .zero {
        throw MultiprocessingError(.invalidArgument, "\(what): the timeout must not be negative, not \(timeout)")
    }
}
