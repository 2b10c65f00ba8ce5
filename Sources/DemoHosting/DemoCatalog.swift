/// What a demo host tells the `lesson` tool about its demos: their names, summaries and parameters, the sources
/// they were compiled from, and a fingerprint of the executable.
///
/// The tool asks a host for its catalog once (and again when the host's file changes) instead of linking the demos:
/// it parses lessons against the catalog, shows the embedded sources in reports, and keys its result cache on the
/// fingerprint.
public struct DemoCatalog: Sendable, Hashable, Codable {
    /// One demo, as the tool sees it.
    public struct Entry: Sendable, Hashable, Codable {
        /// The name cells use in `demo=NAME`.
        public var name: String
        /// One line for `lesson demos`.
        public var summary: String
        /// The `#fileID` of the file that declares the demo, to find its source in ``DemoCatalog/sources``.
        public var fileID: String
        /// The demo's parameters as help text, for a demo that takes any.
        public var usage: String?

        /// A demo called `name`, declared in `fileID`.
        public init(name: String, summary: String, fileID: String, usage: String? = nil) {
            self.name = name
            self.summary = summary
            self.fileID = fileID
            self.usage = usage
        }
    }

    /// The demos, sorted by name.
    public var demos: [Entry]
    /// The Swift sources the demos were compiled from, when their modules embed them.
    public var sources: DemoSourceFiles
    /// The host executable's GNU build ID in hex, or "" when it was linked without one.
    public var fingerprint: String

    /// A catalog of `demos`, with their `sources` and the executable's `fingerprint`.
    public init(demos: [Entry], sources: DemoSourceFiles = DemoSourceFiles(), fingerprint: String = "") {
        self.demos = demos.sorted { $0.name < $1.name }
        self.sources = sources
        self.fingerprint = fingerprint
    }

    /// The demo called `name`.
    public subscript(name: String) -> Entry? { demos.first { $0.name == name } }

    /// Whether a demo is called `name`.
    public func contains(_ name: String) -> Bool { self[name] != nil }
}

extension DemoRegistry {
    /// This registry's demos as a catalog, with each parameterized demo's usage and this executable's build ID.
    public var catalog: DemoCatalog {
        DemoCatalog(
            demos: demos.map {
                DemoCatalog.Entry(name: $0.name, summary: $0.summary, fileID: $0.fileID, usage: $0.usage?())
            },
            sources: sources, fingerprint: BuildID.ofRunningExecutable() ?? "")
    }
}

extension DemoSourceFiles: Hashable, Codable {
    public init(from decoder: any Decoder) throws {
        self.init(try [DemoSourceFile](from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try all.encode(to: encoder)
    }

    public static func == (left: DemoSourceFiles, right: DemoSourceFiles) -> Bool { left.all == right.all }

    public func hash(into hasher: inout Hasher) { hasher.combine(all) }
}
