/// One Swift file of a demo module, embedded at build time.
public struct DemoSourceFile: Sendable, Hashable, Codable {
    /// `MODULE/FILE.swift`, as `#fileID` names it where a ``Demo`` is declared.
    public var fileID: String
    /// The file's path relative to its package, for diagnostics: `Sources/Demos/PoolMap.swift`.
    public var path: String
    /// The file's text as it was compiled.
    public var text: String

    /// The file `fileID` (`MODULE/FILE.swift`) at `path` (relative to its package), holding `text`.
    public init(fileID: String, path: String, text: String) {
        self.fileID = fileID
        self.path = path
        self.text = text
    }
}

/// The Swift sources of a demo module, as the `EmbedDemoSources` build plugin compiles them into it.
///
/// A module that applies the plugin gets an internal `DemoSourceFiles.embedded` and passes it to
/// ``DemoRegistry/init(_:sources:)``: each demo then carries the source of the file that declares it, so that a
/// lesson can show it and ``LessonParser`` can check that a cell's code is the code the demo runs.
public struct DemoSourceFiles: Sendable {
    // An array, not a dictionary: a cell's child builds the registry at every start and never looks a file up.
    private var files: [DemoSourceFile]

    /// These files.
    public init(_ files: [DemoSourceFile] = []) {
        self.files = files
    }

    /// The file `#fileID` names, if it is embedded.
    public subscript(fileID: String) -> DemoSourceFile? {
        files.first { $0.fileID == fileID }
    }

    /// Every embedded file.
    public var all: [DemoSourceFile] { files }

    /// These files and `other`'s; `other` wins for a file ID both have.
    public func merging(_ other: DemoSourceFiles) -> DemoSourceFiles {
        DemoSourceFiles(files.filter { other[$0.fileID] == nil } + other.files)
    }
}
