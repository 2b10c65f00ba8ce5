import ArgumentParser
import LessonRunner
import Multiprocessing

/// Parses a demo's arguments (a cell's `args=`, or `lesson run --cell ID -- ARGS`) into its options, with
/// swift-argument-parser, so that a wrong argument gets the same message and usage a command line would.
enum DemoOptions {
    static func parse<Options: ParsableArguments>(_ type: Options.Type, _ arguments: [String]) throws -> Options {
        do {
            return try Options.parse(arguments)
        } catch {
            // The child prints "error: " before it already.
            var message = Options.fullMessage(for: error)
            if message.hasPrefix("Error: ") { message.removeFirst("Error: ".count) }
            throw DemoUsageError(message: message)
        }
    }
}

extension Demo {
    /// A demo with parameters: its arguments are parsed into `Options` (with their defaults), and `main` runs with
    /// them.
    init<Options: ParsableArguments>(
        _ name: String, summary: String, functions: [RegisteredFunction], fileID: String = #fileID,
        main: @escaping @Sendable (Options) throws -> Void
    ) {
        self.init(name, summary: summary, functions: functions, fileID: fileID) { arguments in
            try main(DemoOptions.parse(Options.self, arguments))
            return 0
        }
    }
}

/// Arguments a demo cannot use; printed to stderr by the cell's child, which exits with 1.
struct DemoUsageError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
