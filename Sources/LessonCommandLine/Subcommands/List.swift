import ArgumentParser
import LessonRunner

extension LessonCommand {
    /// `lesson list FILE…`: the cells of each lesson with their id, demo, line and options.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the cells of lessons: id, demo, location and options.")

        @OptionGroup var lessons: LessonPathOptions

        func run() throws {
            for (_, lesson) in try lessons.loadLessons() {
                Terminal.standardOutput.write(CellListing.text(for: lesson))
            }
        }
    }
}
