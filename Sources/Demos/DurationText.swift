/// `duration` in milliseconds with one decimal, as the course's demos print times: `2.4`.
func milliseconds(_ duration: Duration) -> String {
    decimal(duration, unitsPerSecond: 1_000)
}

/// `duration` in microseconds with one decimal: `24.8`.
func microseconds(_ duration: Duration) -> String {
    decimal(duration, unitsPerSecond: 1_000_000)
}

/// `duration` in units of 1/`unitsPerSecond` s, rounded to one decimal.
private func decimal(_ duration: Duration, unitsPerSecond: Int64) -> String {
    let (seconds, attoseconds) = duration.components
    let attosecondsPerTenth = 100_000_000_000_000_000 / unitsPerSecond
    let tenths = seconds * unitsPerSecond * 10 + (attoseconds + attosecondsPerTenth / 2) / attosecondsPerTenth
    return "\(tenths / 10).\(tenths % 10)"
}
