/// `value` rounded to `digits` decimals, as text: `2.5`, `0.129`, and `1223980` for no decimals.
public func rounded(_ value: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let text = String((value * scale).rounded() / scale)
    return text.hasSuffix(".0") && digits == 0 ? String(text.dropLast(2)) : text
}

/// A row of the Markdown table that compares Swift with its Python peer:
/// `| name | ours | peer's name | peer | ratio | target |`. The ratio says how many times better Swift is: the
/// peer's time over ours, or our rate over the peer's when `higherIsBetter` (throughputs).
public func comparisonRow(_ name: String, _ ours: Sample, unit: String, digits: Int, peer: Sample?,
                          peerName: String, target: String, higherIsBetter: Bool = false) -> String {
    let ratio = peer.map { theirs in
        let value = higherIsBetter ? ours.median / theirs.median : theirs.median / ours.median
        return "\(rounded(value, 1))×"
    } ?? "–"
    let peerText = peer.map { "\(rounded($0.median, digits)) \(unit)" } ?? "–"
    return "| \(name) | \(rounded(ours.median, digits)) \(unit) | \(peerName) | \(peerText) | \(ratio) | \(target) |"
}
