import Digests
import Multiprocessing
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// Results of earlier cell runs on disk, reused while nothing that could change them has changed.
///
/// A cell's entry is found by a SHA-256 key over: the `lesson` binary's bytes (which hold every demo's code
/// today), the demo's own code identity (``demoIdentity``, the seam for demos whose sources are embedded), the demo's
/// name, the cell's arguments, timeout and `expect=`, and the runner's capture limit and environment. Any change
/// to one of these reruns the cell. The expected blocks are not part of the key: the cached output is compared
/// with the lesson as it is now.
///
/// An entry holds what the run produced (output, exit, duration), written atomically, one file per key. Runs
/// that could not start are not kept. `lesson check --cache DIR` turns the cache on; it is off by default.
public struct ResultCache: Sendable {
    /// The folder that holds the entries.
    public var folder: FilePath
    /// What identifies the executable that runs the cells: its build ID (`build-id:HEX`) when the demo host
    /// reported one, else the SHA-256 of its bytes in hex.
    public var executableHash: String
    /// The code identity of a demo, by name, or "" when the executable's hash covers it (today, every demo).
    public var demoIdentity: @Sendable (_ demo: String) -> String
    /// The capture limit and environment of the executor, which shape the output.
    private var executorIdentity: String

    /// The default folder, under the current directory: `.build/lesson-cache`.
    public static let defaultFolder: FilePath = ".build/lesson-cache"

    /// A cache in `folder` (created when missing) for cells run by `executor`, whose executable has the build ID
    /// `fingerprint` (from its ``DemoCatalog``; "" to hash the file instead).
    ///
    /// - Throws: ``FileWriteError`` when the folder cannot be created, or the executable cannot be read.
    public init(
        folder: FilePath, executor: CellExecutor, fingerprint: String = "",
        demoIdentity: @escaping @Sendable (String) -> String = { _ in "" }
    ) throws(FileWriteError) {
        try Self.createFolders(folder)
        self.folder = folder
        if !fingerprint.isEmpty {
            executableHash = "build-id:" + fingerprint
        } else if let hash = Self.sha256(ofFileAt: executor.executable) {
            executableHash = hash
        } else {
            throw FileWriteError(path: executor.executable, errno: Errno(rawValue: errno))
        }
        self.demoIdentity = demoIdentity
        executorIdentity = "limit=\(executor.outputLimit) grace=\(executor.terminationGrace) env="
            + executor.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\u{0}")
    }

    /// The key of a cell: a hex SHA-256, or "" (under which nothing is read or stored, so the cell runs) when
    /// OpenSSL cannot compute one (no SHA-256 in its configured providers, or no memory).
    public func key(for cell: Cell) -> String {
        var parts = [
            "lesson-cache-1", executableHash, executorIdentity, cell.demo, demoIdentity(cell.demo),
            "timeout=\(cell.options.timeout)", "expect=\(cell.options.expectation)",
            "args=\(cell.options.arguments.count)",
        ]
        parts += cell.options.arguments
        guard var hasher = try? SHA256() else { return "" }
        for part in parts {
            // Length-prefixed, so that no two different lists of parts hash the same bytes.
            hasher.update(Array("\(part.utf8.count):".utf8) + Array(part.utf8))
        }
        return (try? hasher.finalize()).map { SHA256.hex($0) } ?? ""
    }

    /// The execution stored under `key`, or nil when there is none (or it cannot be read).
    public func execution(for key: String) -> DemoExecution? {
        guard !key.isEmpty, let bytes = try? LessonFileReader.read(path: folder.appending(key).string) else {
            return nil
        }
        return CacheEntry.decode(bytes)
    }

    /// Stores an execution under `key`, atomically; a failure to write only means the next run reruns the cell.
    public func store(_ execution: DemoExecution, for key: String) {
        guard !key.isEmpty else { return }
        try? AtomicFile.write(CacheEntry.encode(execution), to: folder.appending(key))
    }

    /// The hex SHA-256 of a file's bytes; nil when it cannot be read (`errno` says why) or hashed.
    static func sha256(ofFileAt path: FilePath) -> String? {
        guard var hasher = try? SHA256() else { return nil }
        guard let descriptor = try? FileDescriptor.open(path, .readOnly, options: [.closeOnExec]) else { return nil }
        defer { try? descriptor.close() }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            guard let count = try? chunk.withUnsafeMutableBytes({ try descriptor.read(into: $0) }) else { return nil }
            if count == 0 { break }
            hasher.update(chunk[..<count])
        }
        return (try? hasher.finalize()).map { SHA256.hex($0) }
    }

    private static func createFolders(_ path: FilePath) throws(FileWriteError) {
        var partial = FilePath(path.root?.string ?? "")
        for component in path.components {
            partial.append(component)
            if mkdir(partial.string, 0o777) != 0 && errno != EEXIST {
                throw FileWriteError(path: partial, errno: Errno(rawValue: errno))
            }
        }
    }
}

/// The file format of one cache entry: `key=value` header lines, a blank line, then stdout's and stderr's bytes.
enum CacheEntry {
    static func encode(_ execution: DemoExecution) -> [UInt8] {
        let termination = switch execution.termination {
        case .exited(let code): "exit:\(code)"
        case .signaled(let signal): "signal:\(signal.rawValue)"
        case nil: "none"
        }
        let chunks = execution.output.chunks.map {
            "\($0.stream == .stdout ? "o" : "e"):\($0.range.lowerBound)-\($0.range.upperBound)"
        }
        let header = """
            lesson-cache-entry 1
            termination=\(termination)
            timedOut=\(execution.timedOut ? 1 : 0)
            timeout=\(execution.timeout.nanoseconds)
            duration=\(execution.duration.nanoseconds)
            strays=\(execution.strayProcessesEnded)
            stdout=\(execution.output.stdout.bytes.count),\(execution.output.stdout.droppedByteCount)
            stderr=\(execution.output.stderr.bytes.count),\(execution.output.stderr.droppedByteCount)
            chunks=\(chunks.joined(separator: ","))


            """
        return Array(header.utf8) + execution.output.stdout.bytes + execution.output.stderr.bytes
    }

    static func decode(_ bytes: [UInt8]) -> DemoExecution? {
        guard let end = bytes.indices.dropLast().first(where: { bytes[$0] == 10 && bytes[$0 + 1] == 10 }) else {
            return nil
        }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).split(separator: "\n")
        guard lines.first == "lesson-cache-entry 1" else { return nil }
        var fields: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let equals = line.firstIndex(of: "=") else { return nil }
            fields[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        func pair(_ name: String) -> (Int, Int)? {
            let values = fields[name]?.split(separator: ",").compactMap { Int($0) } ?? []
            return values.count == 2 ? (values[0], values[1]) : nil
        }
        guard let (outCount, outDropped) = pair("stdout"), let (errCount, errDropped) = pair("stderr"),
            let timeout = fields["timeout"].flatMap({ Int64($0) }),
            let duration = fields["duration"].flatMap({ Int64($0) }),
            let strays = fields["strays"].flatMap({ Int($0) }),
            bytes.count == end + 2 + outCount + errCount
        else { return nil }
        let body = end + 2
        var output = CapturedOutput()
        output.stdout = CapturedStream(bytes: Array(bytes[body..<(body + outCount)]), droppedByteCount: outDropped)
        output.stderr = CapturedStream(
            bytes: Array(bytes[(body + outCount)...]), droppedByteCount: errDropped)
        for chunk in (fields["chunks"] ?? "").split(separator: ",") {
            let parts = chunk.split(separator: ":")
            let bounds = parts.count == 2 ? parts[1].split(separator: "-").compactMap { Int($0) } : []
            guard bounds.count == 2, bounds[0] <= bounds[1] else { return nil }
            output.chunks.append(OutputChunk(stream: parts[0] == "o" ? .stdout : .stderr, range: bounds[0]..<bounds[1]))
        }
        let termination: TerminationStatus?
        switch fields["termination"] {
        case let value? where value.hasPrefix("exit:"): termination = Int32(value.dropFirst(5)).map { .exited($0) }
        case let value? where value.hasPrefix("signal:"):
            termination = Int32(value.dropFirst(7)).map { .signaled(Signal(rawValue: $0)) }
        default: termination = nil
        }
        return DemoExecution(
            output: output, termination: termination, timedOut: fields["timedOut"] == "1",
            timeout: .nanoseconds(timeout), duration: .nanoseconds(duration), strayProcessesEnded: strays,
            launchFailure: nil, processID: nil)
    }
}

extension Duration {
    /// The whole duration in nanoseconds (durations here are far below the 292 years an Int64 holds).
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
