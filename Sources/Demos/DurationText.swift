/// `duration` in milliseconds with one decimal, as the course's demos print times: `2.4`; or with `decimals`
/// decimals (1 to 3): `2.43`.
func milliseconds(_ duration: Duration, decimals: Int = 1) -> String {
    decimal(duration, unitsPerSecond: 1_000, decimals: decimals)
}

/// `duration` in microseconds with one decimal: `24.8`.
func microseconds(_ duration: Duration) -> String {
    decimal(duration, unitsPerSecond: 1_000_000)
}

/// `duration` in units of 1/`unitsPerSecond` s, rounded to `decimals` decimals (1 to 3).
private func decimal(_ duration: Duration, unitsPerSecond: Int64, decimals: Int = 1) -> String {
    let places = min(3, max(1, decimals))
    let scale: Int64 = places == 1 ? 10 : places == 2 ? 100 : 1000
    let (seconds, attoseconds) = duration.components
    let attosecondsPerStep = 1_000_000_000_000_000_000 / (unitsPerSecond * scale)
    let steps = seconds * unitsPerSecond * scale + (attoseconds + attosecondsPerStep / 2) / attosecondsPerStep
    let fraction = String(steps % scale)
    return "\(steps / scale).\(String(repeating: "0", count: places - fraction.count))\(fraction)"
}
