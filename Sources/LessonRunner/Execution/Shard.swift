/// One of N parts of a course, for splitting `lesson check` across CI machines: `--shard 2/3`.
///
/// Lessons are sorted by path and dealt out in turn, so shard I of N takes the lessons at positions I-1, I-1+N,
/// I-1+2N, …: every lesson lands in exactly one shard, the same one on every machine, and the shards differ in
/// size by at most one lesson.
public struct Shard: Hashable, Sendable, CustomStringConvertible {
    /// Which part, from 1.
    public var index: Int
    /// How many parts.
    public var count: Int

    /// Reads `I/N` with 1 ≤ I ≤ N; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1,
            (1...count).contains(index)
        else { return nil }
        self.index = index
        self.count = count
    }

    /// The items this shard takes, from items sorted by `path`.
    public func select<Item>(_ items: [Item], path: (Item) -> String) -> [Item] {
        items.sorted { path($0) < path($1) }.enumerated().filter { $0.offset % count == index - 1 }.map(\.element)
    }

    /// `I/N`.
    public var description: String { "\(index)/\(count)" }
}
