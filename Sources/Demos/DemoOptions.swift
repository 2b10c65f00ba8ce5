import ArgumentParser

/// Parses a demo's arguments (a cell's `args=`, or `lesson run --cell ID -- ARGS`) into its options, with
/// swift-argument-parser, so that a wrong argument gets the same message and usage a command line would.
enum DemoOptions {
    static func parse<Options: ParsableArguments>(_ type: Options.Type, _ arguments: [String]) throws -> Options {
        do {
            return try Options.parse(arguments)
        } catch {
            throw DemoUsageError(message: Options.fullMessage(for: error))
        }
    }
}

/// Arguments a demo cannot use; printed to stderr by the cell's child, which exits with 1.
struct DemoUsageError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
