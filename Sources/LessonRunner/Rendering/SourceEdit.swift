/// A replacement of a byte range of a lesson's source.
struct SourceEdit {
    var range: Range<Int>
    var replacement: [UInt8]

    init(range: Range<Int>, replacement: String) {
        self.range = range
        self.replacement = Array(replacement.utf8)
    }

    /// Applies non-overlapping edits; insertions at the same offset keep their order.
    static func apply(_ edits: [SourceEdit], to source: [UInt8]) -> [UInt8] {
        let ordered = edits.enumerated().sorted {
            ($0.element.range.lowerBound, $0.offset) < ($1.element.range.lowerBound, $1.offset)
        }.map(\.element)
        var result: [UInt8] = []
        result.reserveCapacity(source.count + ordered.reduce(0) { $0 + $1.replacement.count })
        var position = 0
        for edit in ordered {
            precondition(edit.range.lowerBound >= position, "overlapping source edits")
            result += source[position..<edit.range.lowerBound]
            result += edit.replacement
            position = edit.range.upperBound
        }
        result += source[position...]
        return result
    }
}
