import LessonTestSupport
import SystemPackage
import Testing

/// End to end: `lesson check` and `lesson accept` on fixture lessons, with the built `lesson-fixtures`.
@Suite("lesson check and accept")
struct CheckCommandTests {
    static let fixtures = LessonCommandTests.fixtures

    func lesson(_ arguments: [String], in directory: FilePath = Self.fixtures) throws -> CommandRun {
        try CommandRun.run(BuiltExecutables.fixtures, arguments, in: directory)
    }

    func read(_ path: FilePath) throws -> String {
        String(decoding: try TemporaryFile.read(path.string), as: UTF8.self)
    }

    @Test func checkReportsEveryWrongExpectationWithItsLocationAndDiff() throws {
        let run = try lesson(["check", "validation/wrong.md"])
        #expect(run.exitCode == 1)
        let output = run.standardOutput
        let expectedPieces = [
            // A literal line one character off.
            "validation/wrong.md:5:1: ✗ literal: failed: stdout does not match the `output` block at "
                + "validation/wrong.md:12",
            "validation/wrong.md:12:1: stdout does not match the `output` block at validation/wrong.md:12\n"
                + "    --- expected: the `output` block at validation/wrong.md:8\n    +++ actual: stdout\n"
                + "    @@ validation/wrong.md:10 @@\n     line 1 of 3\n     line 2 of 3\n"
                + "    -line 3 of 4\n    +line 3 of 3\n",
            // A regex that does not match the whole line.
            "validation/wrong.md:20:1: stdout does not match",
            "    -\\[finished\\] (re)\n    +[done]\n",
            // A number just outside its tolerance.
            "validation/wrong.md:27:1: stdout does not match",
            "    -[{{3.1416 ± 0.01}}] (num)\n    +[3.1527]\n",
            // An unordered block: each line once.
            "--- expected: the `output` block at validation/wrong.md:33 (unordered)",
            "     [a]\n     [b]\n    +[a]\n",
            // An empty stderr block: stderr must be empty.
            "validation/wrong.md:46:1: stderr does not match the `stderr` block at validation/wrong.md:46",
            "    +warning: the input is empty\n",
            "6 cells in 1 lesson: 1 passed, 5 failed (",
        ]
        for piece in expectedPieces {
            #expect(output.contains(piece), "missing: \(piece)\nin:\n\(output)")
        }
        #expect(!output.contains("✗ right:"))
    }

    @Test func checkPassesALessonThatUsesEveryMatcher() throws {
        let run = try lesson(["check", "validation/right.md"])
        #expect(run.exitCode == 0, "\(run.standardOutput)")
        #expect(run.standardOutput.hasPrefix("3 cells in 1 lesson: 3 passed ("))
        // Not a terminal: plain progress lines, one per cell.
        #expect(run.standardError == """
            [1/3] validation/right.md › long: passed
            [2/3] validation/right.md › matchers: passed
            [3/3] validation/right.md › streams: passed

            """)
    }

    @Test func checkOfSelectedCellsOnly() throws {
        let run = try lesson(["check", "validation", "--cell", "right", "--cell", "long"])
        #expect(run.exitCode == 0, "\(run.standardOutput)")
        #expect(run.standardOutput.hasPrefix("2 cells in 2 lessons: 2 passed ("))
        let unknown = try lesson(["check", "validation", "--cell", "nope"])
        #expect(unknown.exitCode == 2)
        #expect(unknown.standardError.contains("no cell with id 'nope' in validation/right.md, validation/wrong.md"))
    }

    @Test func onATerminalProgressIsOneRewrittenLine() throws {
        // Python's pty module gives the command a terminal and passes through what it wrote.
        let script = """
            import os, pty, sys
            pid, fd = pty.fork()
            if pid == 0:
                os.execv(sys.argv[1], sys.argv[1:])
            out = b''
            while True:
                try:
                    data = os.read(fd, 4096)
                except OSError:
                    break
                if not data:
                    break
                out += data
            os.waitpid(pid, 0)
            sys.stdout.write(out.decode())
            """
        let run = try CommandRun.run(
            "/usr/bin/python3", ["-c", script, BuiltExecutables.fixtures.string, "check", "validation/right.md"],
            in: Self.fixtures)
        let output = run.standardOutput
        #expect(output.contains("\r\u{1B}[K[1/3] validation/right.md › long"), "\(output.debugDescription)")
        #expect(output.contains("\r\u{1B}[K[3/3] validation/right.md › streams"))
        #expect(!output.contains("long: passed"), "no plain lines on a terminal")
        #expect(output.contains("\r\u{1B}[K3 cells in 1 lesson: 3 passed ("), "the line is cleared before the summary")
    }

    @Test func theCourseLessonsPass() throws {
        let run = try CommandRun.run(BuiltExecutables.lesson, ["check", "Lessons"], in: BuiltExecutables.packageRoot)
        #expect(run.exitCode == 0, "\(run.standardOutput)")
    }

    @Test func renderShowsAMismatchInTheReport() throws {
        let run = try lesson(["render", "validation/wrong.md"])
        #expect(run.exitCode == 1)
        #expect(run.standardOutput.contains(
            "```output\n[3.1527]\n```\n\n"
                + "*failed: stdout does not match the \\`output\\` block at validation/wrong.md:27 · "))
    }

    @Test func junitReportIsAcceptedByAnXMLParserAndHasTheRightShape() throws {
        let folder = try TemporaryFolder()
        let junit = folder.path.appending("junit.xml").string
        let run = try lesson(["check", "validation", "statuses.md", "--junit", junit, "--jobs", "2"])
        #expect(run.exitCode == 1)
        // Python's XML parser reads it; the script prints the structure it found.
        let script = """
            import sys, xml.etree.ElementTree as ET
            root = ET.parse(sys.argv[1]).getroot()
            print(root.tag, root.get('tests'), root.get('failures'), root.get('errors'), root.get('skipped'))
            for suite in root.findall('testsuite'):
                print('suite', suite.get('name'), suite.get('tests'), suite.get('failures'), suite.get('errors'))
                for case in suite.findall('testcase'):
                    kinds = [child.tag for child in case]
                    print(' case', case.get('name'), case.get('line'), ','.join(kinds))
                    for child in case:
                        if child.tag in ('failure', 'error', 'skipped') and case.get('name') != 'literal':
                            print('  ' + child.tag + ':', child.get('type'), child.get('message'))
                    failure = case.find('failure')
                    if failure is not None and case.get('name') == 'literal':
                        print(failure.text)
            """
        let parsed = try CommandRun.run("/usr/bin/python3", ["-c", script, junit])
        #expect(parsed.exitCode == 0, "\(parsed.standardError)")
        let structure = parsed.standardOutput.replacing(/· [0-9.]+ (µs|ms|s)/) { _ in "· TIME" }
        #expect(structure.hasPrefix("""
            testsuites 12 5 2 1
            suite statuses.md 3 0 2
             case not-now 3 skipped
              skipped: None marked skip in the lesson
             case exits-4 6 error
              error: error error: exit 4, expected success · TIME
             case sleeps 9 error,system-out
              error: timed out timed out: ran past its 200 ms timeout and was stopped · TIME
            suite validation/right.md 3 0 0
             case long 3 \n case matchers 13 \n case streams 22 \n\
            suite validation/wrong.md 6 5 0
             case literal 5 failure,system-out
            stdout does not match the `output` block at validation/wrong.md:12
            --- expected: the `output` block at validation/wrong.md:8
            +++ actual: stdout
            @@ validation/wrong.md:10 @@
             line 1 of 3
             line 2 of 3
            -line 3 of 4
            +line 3 of 3

            """), "\(structure)")
        #expect(structure.contains("""
             case quiet-stderr 38 failure,system-out,system-err
              failure: output mismatch failed: stderr does not match the `stderr` block at validation/wrong.md:46 · TIME
            """))
        #expect(structure.hasSuffix(" case right 48 \n"))
    }

    @Test func jsonReportIsValidJSON() throws {
        let folder = try TemporaryFolder()
        let json = folder.path.appending("report.json").string
        _ = try lesson(["check", "validation/wrong.md", "--json", json])
        let script = """
            import json, sys
            report = json.load(open(sys.argv[1]))
            print(report['summary']['cells'], report['summary']['failed'])
            for cell in report['lessons'][0]['cells']:
                print(cell['id'], cell['status'], [(m['stream'], m['line']) for m in cell['mismatches']])
            """
        let parsed = try CommandRun.run("/usr/bin/python3", ["-c", script, json])
        #expect(parsed.standardOutput == """
            6 5
            literal failed [('stdout', 12)]
            regex failed [('stdout', 20)]
            numeric failed [('stdout', 27)]
            unordered failed [('stdout', 36)]
            quiet-stderr failed [('stderr', 46)]
            right passed []

            """, "\(parsed.standardError)")
    }

    @Test func parallelJobsGiveTheSameReportInTheSameOrder() throws {
        func normalized(_ text: String) -> String {
            text.replacing(/[0-9.]+ (µs|ms|s)/) { _ in "TIME" }
        }
        let one = try lesson(["check", "validation", "course", "--jobs", "1"])
        let two = try lesson(["check", "validation", "course", "--jobs", "2"])
        #expect(one.exitCode == 1 && two.exitCode == 1)
        #expect(normalized(one.standardOutput) == normalized(two.standardOutput))
        #expect(one.standardOutput.contains("11 cells in 4 lessons: 6 passed, 5 failed ("))
    }

    @Test func shardsSplitTheLessonsDeterministically() throws {
        func lessons(_ shard: String) throws -> [String] {
            let run = try lesson(["check", "validation", "course", "--shard", shard])
            return run.standardError.split(separator: "\n").compactMap { line in
                line.split(separator: " ").dropFirst().first.map(String.init)
            }.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        }
        let first = try lessons("1/2")
        let second = try lessons("2/2")
        #expect(first == ["course/intro.md", "validation/right.md"])
        #expect(second == ["course/part-two/more.md", "validation/wrong.md"])
        #expect(try lessons("1/2") == first, "the same split every time")
        #expect(try lesson(["check", "validation", "--shard", "3/2"]).exitCode == 2)
        #expect(try lesson(["check", "validation", "--shard", "x"]).exitCode == 2)
    }

    @Test func theCacheReusesOnlyUnchangedCells() throws {
        let folder = try TemporaryFolder()
        let lessonPath = folder.path.appending("cached.md")
        let text = "# Cached\n\n```swift demo=echo-args args=\"one\" id=a\n```\n\n"
            + "```swift demo=echo-args args=\"two\" id=b\n```\n"
        try AtomicTestFile.write(text, to: lessonPath)
        func cachedCells(_ extra: [String] = []) throws -> String {
            let report = folder.path.appending("report.json").string
            let run = try lesson(["check", "cached.md", "--json", report] + extra, in: folder.path)
            #expect(run.exitCode == 0, "\(run.standardOutput)")
            let parsed = try CommandRun.run("/usr/bin/python3", ["-c", """
                import json, sys
                cells = json.load(open(sys.argv[1]))['lessons'][0]['cells']
                print(' '.join(c['id'] + '=' + str(c['cached']) for c in cells))
                """, report])
            return parsed.standardOutput
        }
        #expect(try cachedCells() == "a=False b=False\n", "off by default")
        #expect(try cachedCells(["--cache-folder", "cache"]) == "a=False b=False\n")
        #expect(try cachedCells(["--cache-folder", "cache"]) == "a=True b=True\n")
        #expect(try cachedCells() == "a=False b=False\n")
        try AtomicTestFile.write(text.replacing("args=\"two\"", with: "args=\"three\""), to: lessonPath)
        #expect(try cachedCells(["--cache-folder", "cache"]) == "a=True b=False\n", "changed arguments rerun")
        try AtomicTestFile.write(text.replacing("id=a", with: "id=a timeout=5s"), to: lessonPath)
        #expect(try cachedCells(["--cache-folder", "cache"]) == "a=False b=True\n", "changed options rerun")
        // Another `lesson` binary (the built-in one has hello-lines too) reruns every cell.
        let other = "```swift demo=hello-lines args=\"1\"\n```\n"
        try AtomicTestFile.write(other, to: lessonPath)
        func cachedRun(_ executable: FilePath) throws -> Bool {
            let report = folder.path.appending("other.json").string
            _ = try CommandRun.run(
                executable, ["check", "cached.md", "--cache-folder", "cache", "--json", report], in: folder.path)
            return try read(FilePath(report)).contains("\"cached\":true")
        }
        #expect(try !cachedRun(BuiltExecutables.fixtures))
        #expect(try cachedRun(BuiltExecutables.fixtures))
        #expect(try !cachedRun(BuiltExecutables.lesson), "a different binary reruns the cell")
    }

    @Test func acceptWritesTheOutputAndKeepsEverythingElse() throws {
        let folder = try TemporaryFolder()
        let original = try read(Self.fixtures.appending("validation/wrong.md"))
        let path = folder.path.appending("wrong.md")
        try AtomicTestFile.write(original, to: path)
        let run = try lesson(["accept", "wrong.md"], in: folder.path)
        #expect(run.exitCode == 0, "\(run.standardError)")
        #expect(run.standardOutput == "wrong.md: accepted literal, regex, numeric, unordered, quiet-stderr\n")
        let accepted = try read(path)
        let expected = original
            .replacing("line 3 of 4\n", with: "line 3 of 3\n")
            .replacing("\\[finished\\] (re)\n", with: "[done]\n")
            .replacing("[{{3.1416 ± 0.01}}] (num)\n", with: "[3.1527]\n")
            .replacing("```output unordered\n[a]\n[b]\n```", with: "```output unordered\n[a]\n[b]\n[a]\n```")
            .replacing("```stderr\n```", with: "```stderr\nwarning: the input is empty\n```")
        #expect(accepted == expected)
        #expect(accepted.contains("\\[worker-[0-9]+\\] (re)\n"), "a matcher line that still matches stays")
        #expect(try lesson(["check", "wrong.md"], in: folder.path).exitCode == 0)
        let again = try lesson(["accept", "wrong.md"], in: folder.path)
        #expect(again.standardOutput == "wrong.md: unchanged\n")
    }

    @Test func acceptOfOneCellChangesOnlyThatCell() throws {
        let folder = try TemporaryFolder()
        let original = try read(Self.fixtures.appending("validation/wrong.md"))
        try AtomicTestFile.write(original, to: folder.path.appending("wrong.md"))
        let run = try lesson(["accept", "wrong.md", "--cell", "numeric"], in: folder.path)
        #expect(run.exitCode == 0)
        let expected = original.replacing("[{{3.1416 ± 0.01}}] (num)\n", with: "[3.1527]\n")
        #expect(try read(folder.path.appending("wrong.md")) == expected)
        #expect(try lesson(["accept", "wrong.md", "--cell", "nope"], in: folder.path).exitCode == 2)
    }

    @Test func acceptLeavesALessonThatChangedOnDiskDuringTheRun() throws {
        let folder = try TemporaryFolder()
        let text = "# Edited\n\n```swift demo=touch-file args=\"edited.md\"\n```\n\n```output\nstale\n```\n"
        let path = folder.path.appending("edited.md")
        try AtomicTestFile.write(text, to: path)
        let run = try lesson(["accept", "edited.md"], in: folder.path)
        #expect(run.exitCode == 2)
        #expect(run.standardError.contains("edited.md changed on disk since it was read; it is not overwritten"))
        #expect(try read(path) == text + "\nEdited while the cells ran.\n", "the edit survives, nothing is accepted")
    }

    @Test func acceptRefusesACellThatEndsWithAnError() throws {
        let folder = try TemporaryFolder()
        let text = "```swift demo=exit-with args=\"4\"\n```\n"
        try AtomicTestFile.write(text, to: folder.path.appending("error.md"))
        let run = try lesson(["accept", "error.md"], in: folder.path)
        #expect(run.exitCode == 1)
        #expect(run.standardError.contains(
            "error.md:1:1: warning: exit-with: not accepted: error: exit 4, expected success"))
        #expect(try read(folder.path.appending("error.md")) == text)
    }
}

/// Writes test files.
enum AtomicTestFile {
    static func write(_ text: String, to path: FilePath) throws {
        let descriptor = try FileDescriptor.open(
            path, .writeOnly, options: [.create, .truncate, .closeOnExec], permissions: .ownerReadWrite)
        try descriptor.closeAfter { _ = try descriptor.writeAll(Array(text.utf8)) }
    }
}
