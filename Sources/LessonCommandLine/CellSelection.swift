import ArgumentParser
import LessonRunner

/// The cells named with `--cell`, checked against the lesson.
enum CellSelection {
    /// The selected ids, or nil for all cells; an unknown id is a usage error that lists the lesson's cells.
    static func resolve(ids: [String], in lesson: Lesson) throws -> Set<String>? {
        guard !ids.isEmpty else { return nil }
        let known = Set(lesson.cells.map(\.id))
        let unknown = ids.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            let available = lesson.cells.map(\.id).joined(separator: ", ")
            throw ValidationError(
                "no cell with id \(unknown.map { "'\($0)'" }.joined(separator: ", ")) in \(lesson.path)"
                    + (available.isEmpty ? " (it has no cells)" : "; its cells are: \(available)"))
        }
        return Set(ids)
    }
}
