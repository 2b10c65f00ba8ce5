/// The text `lesson list` prints: one line per cell with its location, id, demo and options.
public enum CellListing {
    /// `FILE:LINE:COL  ID  demo=NAME timeout=… args=… expect=… skip`, one line per cell.
    public static func text(for lesson: Lesson) -> String {
        let idWidth = lesson.cells.map(\.id.count).max() ?? 0
        let locationWidth = lesson.cells.map(\.location.description.count).max() ?? 0
        var text = ""
        for cell in lesson.cells {
            var options = ["demo=\(cell.demo)", "timeout=\(DurationFormat.attribute(cell.options.timeout))"]
            if !cell.options.arguments.isEmpty {
                options.append("args=\(ShellQuoting.joined(cell.options.arguments))")
            }
            if cell.options.expectation != .success { options.append("expect=\(cell.options.expectation)") }
            if cell.options.skip { options.append("skip") }
            let location = cell.location.description
            text += location + String(repeating: " ", count: locationWidth - location.count + 2)
                + cell.id + String(repeating: " ", count: idWidth - cell.id.count + 2)
                + options.joined(separator: " ") + "\n"
        }
        return text
    }
}

/// Arguments shown the way a shell would take them back.
enum ShellQuoting {
    static func joined(_ arguments: [String]) -> String {
        let quoted = arguments.map { argument -> String in
            let safe = !argument.isEmpty && argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+".contains($0) }
            return safe ? argument : "'" + argument.replacing("'", with: "'\\''") + "'"
        }
        let joined = quoted.joined(separator: " ")
        if arguments.count == 1 && quoted[0] == arguments[0] { return joined }
        return "\"" + joined.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }
}
