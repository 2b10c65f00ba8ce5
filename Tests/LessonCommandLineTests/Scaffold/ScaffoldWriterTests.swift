import LessonCommandLine
import LessonTestSupport
import SystemPackage
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("writing a new course's files")
struct ScaffoldWriterTests {
    static let files = [
        ScaffoldFile(path: "Package.swift", contents: "// the manifest\n"),
        ScaffoldFile(path: "Sources/Demos/Hello.swift", contents: "// a demo\n"),
        ScaffoldFile(path: "ci/check", contents: "#!/bin/sh\n", isExecutable: true),
    ]

    func read(_ path: FilePath) throws -> String {
        String(decoding: try TemporaryFile.read(path.string), as: UTF8.self)
    }

    /// The names in `folder`, sorted, without `.` and `..`.
    func entries(_ folder: FilePath) -> [String] {
        guard let handle = opendir(folder.string) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Files that were there before the writer under test runs.
    func make(_ folder: FilePath, _ files: [ScaffoldFile]) throws {
        _ = try ScaffoldWriter(folder: folder, force: true).write(files)
    }

    func mode(_ path: FilePath) -> mode_t {
        var status = stat()
        return stat(path.string, &status) == 0 ? status.st_mode & 0o777 : 0
    }

    @Test func itCreatesTheFolderAndItsParentsAndEveryFile() throws {
        let temporary = try TemporaryFolder()
        let folder = temporary.path.appending("courses/intro")
        let results = try ScaffoldWriter(folder: folder, force: false).write(Self.files)
        #expect(results.map(\.path) == Self.files.map { folder.appending($0.path) })
        #expect(results.allSatisfy { $0.outcome == .written })
        #expect(try read(folder.appending("Sources/Demos/Hello.swift")) == "// a demo\n")
        #expect(mode(folder.appending("ci/check")) & 0o100 != 0, "a script is executable")
        #expect(mode(folder.appending("Package.swift")) & 0o111 == 0)
        #expect(entries(folder.appending("ci")) == ["check"], "no temporary file is left")
    }

    @Test func aFolderThatIsNotEmptyIsRefusedAndLeftAlone() throws {
        let temporary = try TemporaryFolder()
        try make(temporary.path, [ScaffoldFile(path: "notes.txt", contents: "")])
        #expect {
            try ScaffoldWriter(folder: temporary.path, force: false).write(Self.files)
        } throws: { error in
            guard let error = error as? CourseScaffoldError else { return false }
            return error.code == .folderNotEmpty && error.path == temporary.path
                && error.message == "\(temporary.path) is not empty (notes.txt); --force adds the course's files to "
                    + "it and keeps every existing file"
        }
        #expect(entries(temporary.path) == ["notes.txt"])
    }

    @Test func aFolderWithOnlyGitCountsAsEmpty() throws {
        let temporary = try TemporaryFolder()
        try make(temporary.path, [ScaffoldFile(path: ".git/HEAD", contents: "")])
        let results = try ScaffoldWriter(folder: temporary.path, force: false).write(Self.files)
        #expect(results.allSatisfy { $0.outcome == .written })
    }

    @Test func forceWritesIntoAFolderButNeverOverAFile() throws {
        let temporary = try TemporaryFolder()
        try make(temporary.path, [ScaffoldFile(path: "Package.swift", contents: "// mine\n")])
        let results = try ScaffoldWriter(folder: temporary.path, force: true).write(Self.files)
        #expect(results.map(\.outcome) == [.kept, .written, .written])
        #expect(try read(temporary.path.appending("Package.swift")) == "// mine\n")
        #expect(try read(temporary.path.appending("ci/check")) == "#!/bin/sh\n")
        let again = try ScaffoldWriter(folder: temporary.path, force: true).write(Self.files)
        #expect(again.allSatisfy { $0.outcome == .kept })
    }

    @Test func aPathThatIsAFileIsRefused() throws {
        let temporary = try TemporaryFolder()
        try make(temporary.path, [ScaffoldFile(path: "course", contents: "")])
        #expect {
            try ScaffoldWriter(folder: temporary.path.appending("course"), force: true).write(Self.files)
        } throws: { error in
            (error as? CourseScaffoldError)?.code == .notAFolder
                && "\(error)" == "\(temporary.path)/course exists and is not a folder"
        }
    }

    @Test func aFailurePartWayRemovesWhatThisWriteCreated() throws {
        let temporary = try TemporaryFolder()
        // `ci` is a file, so ci/check cannot be written, after Package.swift and Sources/… were.
        try make(temporary.path, [ScaffoldFile(path: "ci", contents: "x")])
        #expect {
            try ScaffoldWriter(folder: temporary.path, force: true).write(Self.files)
        } throws: { error in
            guard let error = error as? CourseScaffoldError else { return false }
            return error.code == .cannotWrite && error.errno == .notDirectory
                && "\(error)" == "cannot write \(temporary.path)/ci/check: Not a directory"
        }
        #expect(entries(temporary.path) == ["ci"])
        #expect(try read(temporary.path.appending("ci")) == "x")
    }
}
