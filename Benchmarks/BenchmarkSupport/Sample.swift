/// One measurement: median and mean over its iterations, in the unit the measurement reports.
public struct Sample: Sendable {
    public var median: Double
    public var mean: Double

    public init(median: Double, mean: Double) {
        self.median = median
        self.mean = mean
    }
}

/// `duration` in seconds.
public func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

/// Runs `body` `count` times after a warm-up (a twentieth of `count`, at least 3 runs); each run returns its own
/// figure, or nil to have the whole call timed and multiplied by `scale` (1e3 for milliseconds).
public func measure(_ count: Int, scale: Double, _ body: () throws -> Double?) rethrows -> Sample {
    for _ in 0..<max(3, count / 20) { _ = try body() }
    let clock = ContinuousClock()
    var samples: [Double] = []
    for _ in 0..<count {
        let start = clock.now
        let own = try body()
        samples.append(own ?? seconds(clock.now - start) * scale)
    }
    samples.sort()
    return Sample(median: samples[samples.count / 2], mean: samples.reduce(0, +) / Double(samples.count))
}
