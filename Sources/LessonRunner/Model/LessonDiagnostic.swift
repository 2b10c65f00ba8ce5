/// A problem in a lesson file, reported as `FILE:LINE:COL: error: message`.
public struct LessonDiagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    /// How bad the problem is.
    public enum Severity: String, Hashable, Sendable {
        /// The lesson cannot be used as written.
        case error
        /// The lesson works, but probably not as its author meant.
        case warning
    }

    /// Where the problem is.
    public var location: SourceLocation
    /// Whether the lesson can still be used.
    public var severity: Severity
    /// What is wrong, in one sentence without a trailing period.
    public var message: String

    public init(_ severity: Severity = .error, at location: SourceLocation, _ message: String) {
        self.location = location
        self.severity = severity
        self.message = message
    }

    /// `FILE:LINE:COL: error: message`, the form editors and CI annotators understand.
    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}

/// Every error found in one pass over one or more lessons.
public struct LessonError: Error, Sendable, CustomStringConvertible {
    /// The diagnostics, in file and line order.
    public var diagnostics: [LessonDiagnostic]

    public init(_ diagnostics: [LessonDiagnostic]) {
        self.diagnostics = diagnostics.sorted { $0.location < $1.location }
    }

    /// One diagnostic a line.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
