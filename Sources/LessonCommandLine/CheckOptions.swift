import ArgumentParser
import LessonRunner

/// What `check` and `accept` share: which lessons and cells, how many lessons at once, which shard.
struct CheckOptions: ParsableArguments {
    @OptionGroup var lessons: LessonPathOptions

    @Option(name: .customLong("cell"), help: "Only the cells with this id (repeatable).")
    var cellIDs: [String] = []

    @Option(name: .shortAndLong, help: "How many lessons to run at once, each on a thread of its own.")
    var jobs: Int = 1

    @Option(help: ArgumentHelp(
        "Run only part I of N of the lessons (sorted by path, dealt out in turn): 1/2, 2/2.", valueName: "I/N"))
    var shard: String?

    mutating func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        if let shard, Shard(shard) == nil {
            throw ValidationError("--shard takes I/N with 1 ≤ I ≤ N, such as 1/3; not '\(shard)'")
        }
    }

    /// The lessons of this shard, sorted by path, and the selected cells' ids (nil: all cells).
    func load() throws -> (lessons: [Lesson], cellIDs: Set<String>?) {
        var loaded = try lessons.loadLessons().map(\.lesson)
        var seen = Set<String>()
        loaded = loaded.filter { seen.insert($0.path).inserted }.sorted { $0.path < $1.path }
        if let shard = shard.flatMap(Shard.init) { loaded = shard.select(loaded, path: \.path) }
        guard !cellIDs.isEmpty else { return (loaded, nil) }
        let wanted = Set(cellIDs)
        let found = Set(loaded.flatMap { $0.cells.map(\.id) }).intersection(wanted)
        let unknown = cellIDs.filter { !found.contains($0) }
        guard unknown.isEmpty else {
            throw ValidationError("no cell with id \(unknown.map { "'\($0)'" }.joined(separator: ", ")) in "
                + loaded.map(\.path).joined(separator: ", "))
        }
        return (loaded.filter { lesson in lesson.cells.contains { wanted.contains($0.id) } }, wanted)
    }
}
