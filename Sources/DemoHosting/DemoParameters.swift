import ArgumentParser
import Multiprocessing

/// Parses a demo's arguments (a cell's `args=`, or `lesson run --cell ID -- ARGS`) into its options, with
/// swift-argument-parser, so that a wrong argument gets the same message and usage a command line would.
enum DemoParameters {
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
    /// them. Its ``usage`` is the options' help, which `lesson demos` and the live page show.
    ///
    /// - Parameters:
    ///   - name: The name cells use in `demo=NAME`.
    ///   - summary: One line for `lesson demos`.
    ///   - functions: The registered functions the body starts processes with.
    ///   - fileID: The file that declares the demo; leave the default.
    ///   - main: Runs with the parsed options; an error it throws is printed to stderr and the child exits with 1.
    public init<Options: ParsableArguments>(
        _ name: String, summary: String,
        functions: @autoclosure @escaping @Sendable () -> [RegisteredFunction] = [], fileID: String = #fileID,
        main: @escaping @Sendable (Options) throws -> Void
    ) {
        self.init(
            name, summary: summary, functions: functions(), fileID: fileID,
            usage: { Options.helpMessage(includeHidden: false, columns: 100) }
        ) { arguments in
            try main(DemoParameters.parse(Options.self, arguments))
            return 0
        }
    }
}

/// An error a demo throws with a message of its own, such as arguments it cannot use; the cell's child prints
/// the message to stderr and exits with 1.
public struct DemoUsageError: Error, CustomStringConvertible {
    /// What the cell's stderr shows.
    public var message: String
    public var description: String { message }

    /// An error that prints as `message`.
    public init(message: String) {
        self.message = message
    }
}
