import LessonRunner
import Synchronization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// The served lessons as they are on disk now: each one loaded, or the errors that keep it from loading.
///
/// A lesson is known by its *key*, its path below the folder it was found in (as `render` names its report):
/// `01-multiprocessing.md`. Requests name lessons by key only, and only the lessons found under the served paths
/// have one; a lesson file that is a symbolic link leading out of its folder is left out.
final class CourseLibrary: Sendable {
    /// One served lesson file.
    struct Entry: Sendable {
        var key: String
        var file: LessonFile
        /// The bytes it was loaded from, to tell a real change from a save that changed nothing.
        var source: [UInt8]
        var outcome: Outcome
    }

    enum Outcome: Sendable {
        case loaded(Lesson)
        case broken([LessonDiagnostic])
    }

    /// What a reload changed.
    struct Changes: Sendable, Equatable {
        /// Lessons whose file changed, appeared or went away.
        var keys: Set<String> = []
    }

    let paths: [String]
    private let state = Mutex<[Entry]>([])
    private let collectionErrors = Mutex<[LessonDiagnostic]>([])

    init(paths: [String]) {
        self.paths = paths
    }

    /// Every lesson, in the order `render` takes them.
    var entries: [Entry] { state.withLock { $0 } }

    /// Errors in the served paths themselves (a path that does not exist).
    var pathErrors: [LessonDiagnostic] { collectionErrors.withLock { $0 } }

    /// The lesson with key `key`.
    func entry(_ key: String) -> Entry? { state.withLock { $0.first { $0.key == key } } }

    /// Finds the lessons again and loads those whose bytes changed (all of them when `catalogChanged`).
    @discardableResult
    func reload(catalog: DemoCatalog, catalogChanged: Bool = false) -> Changes {
        var files: [LessonFile] = []
        do {
            files = try LessonFiles.collect(paths)
            collectionErrors.withLock { $0 = [] }
        } catch {
            collectionErrors.withLock { $0 = error.diagnostics }
            // The paths that do exist still count.
            files = paths.compactMap { try? LessonFiles.collect([$0]) }.flatMap { $0 }
        }
        files = files.filter(Self.staysInItsFolder)
        let old = state.withLock { $0 }
        let parser = LessonParser(demos: catalog)
        var changes = Changes()
        var entries: [Entry] = []
        var seenKeys = Set<String>()
        for file in files {
            var key = file.relativePath
            // Two folders may hold the same relative path; the later one gets a distinct key.
            while !seenKeys.insert(key).inserted { key = "_" + key }
            let source = (try? LessonFileReader.read(path: file.path)) ?? []
            if let previous = old.first(where: { $0.key == key && $0.file == file }), previous.source == source,
                !catalogChanged
            {
                entries.append(previous)
                continue
            }
            let outcome: Outcome
            do {
                outcome = .loaded(try parser.parse(source, path: file.path))
            } catch {
                outcome = .broken(error.diagnostics)
            }
            entries.append(Entry(key: key, file: file, source: source, outcome: outcome))
            changes.keys.insert(key)
        }
        changes.keys.formUnion(Set(old.map(\.key)).symmetricDifference(entries.map(\.key)))
        state.withLock { $0 = entries }
        return changes
    }

    /// Whether a lesson found in a folder really lies in it once symbolic links are resolved.
    private static func staysInItsFolder(_ file: LessonFile) -> Bool {
        guard let root = file.root else { return true }
        guard let realRoot = realPath(root), let realFile = realPath(file.path) else { return false }
        return realFile.hasPrefix(realRoot.hasSuffix("/") ? realRoot : realRoot + "/")
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
