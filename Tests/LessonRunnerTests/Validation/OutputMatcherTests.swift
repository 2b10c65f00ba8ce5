import LessonRunner
import Testing

/// Each matcher with what it must accept and the near misses it must report, with the right diff and location.
@Suite("Output matchers")
struct OutputMatcherTests {
    typealias Support = ValidationTestSupport

    func mismatches(_ expected: String, info: String = "output", _ actual: String) throws -> [OutputMismatch] {
        try Support.mismatches(Support.outputLesson(expected, info: info), stdout: actual)
    }

    func passes(_ expected: String, info: String = "output", _ actual: String) throws -> Bool {
        try mismatches(expected, info: info, actual).isEmpty
    }

    @Test func literalLinesIgnoreTrailingSpaceAndTheFinalNewline() throws {
        #expect(try passes("one\ntwo\n", "one\ntwo\n"))
        #expect(try passes("one\ntwo\n", "one   \ntwo\t"))
        #expect(try passes("one\ntwo\n\n", "one\ntwo\n"), "trailing blank lines do not count")
        #expect(try passes("", ""), "an empty block passes an empty stream")
        #expect(try !passes("", "something\n"), "an empty block says the stream must be empty")
        #expect(try !passes("one\n", " one\n"), "leading space counts")
        #expect(try !passes("one\ntwo\n", "one\n"))
    }

    @Test func aNearMissIsReportedWithItsLineAndADiff() throws {
        let found = try mismatches("Hello\nline 1 of 2\nline 2 of 2\n", "Hello\nline 1 of 2\nline 2 of 3\n")
        try #require(found.count == 1)
        #expect(found[0].stream == .stdout)
        #expect(found[0].location.description == "lesson.md:8:1", "the third content line; content starts on line 6")
        #expect(found[0].summary == "stdout does not match the `output` block at lesson.md:8")
        #expect(found[0].diff == """
            --- expected: the `output` block at lesson.md:5
            +++ actual: stdout
            @@ lesson.md:6 @@
             Hello
             line 1 of 2
            -line 2 of 2
            +line 2 of 3

            """)
    }

    @Test func anEllipsisMatchesAnyNumberOfLines() throws {
        #expect(try passes("start\n...\nend\n", "start\nend\n"))
        #expect(try passes("start\n...\nend\n", "start\na\nb\nc\nend\n"))
        #expect(try passes("...\n", "anything\nat all\n"))
        #expect(try passes("start\n...\n", "start\n"))
        let found = try mismatches("start\n...\nend\n", "start\na\nend\nafter\n")
        #expect(found.count == 1)
        #expect(found.first?.diff.contains("+after\n") == true)
        #expect(try !passes("start\n...\nend\n", "begin\na\nend\n"), "the lines around it still count")
    }

    @Test func regexLinesMatchTheWholeLine() throws {
        #expect(try passes("worker [0-9]+ done (re)\n", "worker 17 done\n"))
        #expect(try !passes("worker [0-9]+ done (re)\n", "worker x done\n"))
        #expect(try !passes("worker [0-9]+ (re)\n", "worker 12 done\n"), "a regex must match the whole line")
        let found = try mismatches("a\nworker [0-9]+ done (re)\n", "a\nworker seven done\n")
        #expect(found.first?.location.line == 7)
        #expect(found.first?.diff.contains("-worker [0-9]+ done (re)\n+worker seven done\n") == true)
    }

    @Test func globLinesTakeStarQuestionMarkAndEscapes() throws {
        #expect(try passes("saved to /tmp/*.txt (glob)\n", "saved to /tmp/lesson-4f2a/out.txt\n"))
        #expect(try !passes("saved to /tmp/*.txt (glob)\n", "saved to /tmp/lesson-4f2a/out.csv\n"))
        #expect(try passes("file?.md (glob)\n", "file1.md\n"))
        #expect(try !passes("file?.md (glob)\n", "file12.md\n"))
        #expect(try passes("a \\* b (glob)\n", "a * b\n"))
        #expect(try !passes("a \\* b (glob)\n", "a x b\n"), "an escaped star is a star")
        #expect(try passes("(1+1) = [2] (glob)\n", "(1+1) = [2]\n"), "regex characters are literal in a glob")
    }

    /// Found by fuzzing: a glob of many stars against a line it does not match took exponential time as a regex.
    @Test func globsOfManyStarsAnswerAtOnce() throws {
        let start = ContinuousClock.now
        let stars = String(repeating: "*", count: 30)
        let (manyA, longA) = (String(repeating: "*a", count: 25), String(repeating: "a", count: 300))
        #expect(try !passes(stars + "\\*.swift (glob)\n", "(g|" + String(repeating: "x", count: 200) + "\n"))
        #expect(try !passes(manyA + "b (glob)\n", longA + "\n"))
        #expect(try passes(manyA + "* (glob)\n", longA + "\n"))
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(try passes("x** (glob)\n", "x\n") && passes("a*b*c (glob)\n", "abxbc\n"))
        #expect(try !passes("a*b*c (glob)\n", "acb\n"))
        #expect(try passes("*\\ (glob)\n", "x\\\n"), "a final backslash is a backslash")
    }

    @Test func aLiteralSuffixWritesLinesThatLookLikeMatchers() throws {
        #expect(try passes("x+ (re) (literal)\n", "x+ (re)\n"))
        #expect(try !passes("x+ (re) (literal)\n", "xxx\n"), "the suffix turns the regex off")
        #expect(try passes("... (literal)\n", "...\n"))
        #expect(try !passes("... (literal)\n", "a\nb\n"), "a literal ... is not an ellipsis")
        #expect(try passes("x (re)\n", "x\n"))
        #expect(try !passes("x (re)\n", "x (re)\n"), "without the suffix, (re) is a matcher")
    }

    @Test func numbersWithinATolerance() throws {
        let pi = "pi is about {{3.1416 ± 0.01}} (num)\n"
        #expect(try passes(pi, "pi is about 3.1452\n"))
        #expect(try passes(pi, "pi is about 3.1316\n"))
        #expect(try !passes(pi, "pi is about 3.1527\n"), "just outside the tolerance")
        #expect(try !passes(pi, "pi is roughly 3.1416\n"), "the text around the number counts")
        #expect(try passes("pi {{3.14 +- 0.01}} (num)\n", "pi 3.141592653589793\n"))
        let time = "took {{< 2.0}} s in {{1..10}} steps (num)\n"
        #expect(try passes(time, "took 0.35 s in 4 steps\n"))
        #expect(try !passes(time, "took 2.5 s in 4 steps\n"), "above the bound")
        #expect(try !passes(time, "took 2.0 s in 4 steps\n"), "< is strict")
        #expect(try !passes(time, "took 0.3 s in 11 steps\n"), "outside the range")
        #expect(try passes("{{>= 0}} {{*}} {{> -1e3}} (num)\n", "0 -7.5e-3 -999\n"))
        let found = try mismatches(pi, "pi is about 3.2\n")
        #expect(found.first?.diff.contains("-pi is about {{3.1416 ± 0.01}} (num)\n+pi is about 3.2\n") == true)
    }

    @Test func unorderedBlocksTakeEachLineExactlyOnce() throws {
        let expected = "worker 1 done\nworker 2 done\nworker [0-9] started (re)\n"
        #expect(try passes(expected, info: "output unordered", "worker 2 done\nworker 7 started\nworker 1 done\n"))
        #expect(try !passes(expected, info: "output", "worker 2 done\nworker 7 started\nworker 1 done\n"),
                "the same lines in order only")
        let duplicate = try mismatches(expected, info: "output unordered",
                                       "worker 2 done\nworker 1 done\nworker 1 done\nworker 3 started\n")
        #expect(duplicate.count == 1)
        #expect(duplicate.first?.diff.contains("+worker 1 done\n") == true, "each line once: the second is extra")
        let missing = try mismatches(expected, info: "output unordered", "worker 1 done\nworker 3 started\n")
        #expect(missing.first?.diff.contains("-worker 2 done\n") == true)
        #expect(missing.first?.location.line == 7, "the missing line's own line")
        #expect(try passes("a\n...\n", info: "output unordered", "x\na\ny\n"), "... takes any lines left over")
    }

    /// Found by fuzzing: an unordered block's second `...` had no step, so accept dropped it from the lesson.
    @Test func everyEllipsisOfAnUnorderedBlockTakesPart() throws {
        let pattern = try ExpectedPattern.parse(content: "b\n...\na\n...\n", info: "output unordered")
        let comparison = OutputComparison(pattern: pattern, actual: "a\nx\nb\ny\n")
        #expect(comparison.matches)
        #expect(comparison.steps == [
            .matched(pattern: 0, line: 2), .anyLines(pattern: 1, lines: 0..<2), .matched(pattern: 2, line: 0),
            .anyLines(pattern: 3, lines: 0..<0),
        ])
        #expect(try passes("b\n...\na\n...\n", info: "output unordered", "a\nx\nb\ny\n"))
    }

    @Test func sanitizersApplyToBothSides() throws {
        #expect(try passes("started pid 12\n", info: "output sanitize=pid", "started pid 48213\n"))
        #expect(try !passes("started pid 12\n", "started pid 48213\n"), "without the sanitizer the pid counts")
        #expect(try passes("process 1 done (PID=7)\n", info: "output sanitize=pid", "process 22 done (PID=9)\n"))
        #expect(try !passes("started pid 12\n", info: "output sanitize=pid", "stopped pid 48213\n"))
        #expect(try passes("took 12 ms, then 1.5s\n", info: "output sanitize=duration", "took 850 µs, then 3 min\n"))
        #expect(try !passes("took 12 ms\n", info: "output sanitize=duration", "took 12 parsecs\n"))
        #expect(try passes("wrote /tmp/a/b.txt\n", info: "output sanitize=path", "wrote /var/tmp/x-1.txt\n"))
        #expect(try passes("pid 3 wrote /tmp/a in 4 ms\n", info: "output sanitize=pid,duration,path",
                           "pid 9 wrote /home/u/b in 1.2 s\n"))
        #expect(try passes("at 0x0000abcd\n", info: "output sanitize=address", "at 0x7ffd5e8c\n"))
    }

    @Test func stderrIsCheckedOnlyWhenTheLessonHasAStderrBlock() throws {
        let unchecked = "```swift demo=hello\n```\n"
        #expect(try Support.mismatches(unchecked, stdout: "x\n", stderr: "noise\n").isEmpty)
        let mustBeEmpty = "```swift demo=hello\n```\n```stderr\n```\n"
        let found = try Support.mismatches(mustBeEmpty, stdout: "", stderr: "warning\n")
        #expect(found.map(\.stream) == [.stderr])
        #expect(found.first?.location.line == 4)
        #expect(try Support.mismatches(mustBeEmpty, stdout: "", stderr: "").isEmpty)
    }

    @Test func badPatternsAreLessonErrorsWithTheirLocation() throws {
        func errors(_ markdown: String) -> [String] {
            do {
                _ = try Support.lesson(markdown)
                return []
            } catch {
                return error.diagnostics.map(\.description)
            }
        }
        let badRegex = errors("```swift demo=hello\n```\n```output\nfine\nworker ([0-9] (re)\n```\n")
        #expect(badRegex.count == 1)
        #expect(badRegex.first?.hasPrefix(
            "lesson.md:5:1: error: in this `output` block: the regular expression") == true)
        #expect(errors("```swift demo=hello\n```\n```output unorderd\n```\n").first?
            .hasPrefix("lesson.md:3:4: error: in this `output` block: unknown word `unorderd`") == true)
        #expect(errors("```swift demo=hello\n```\n```stderr sanitize=pid,uuid\n```\n").first?
            .contains("unknown sanitizer `uuid`") == true)
        #expect(errors("```swift demo=hello\n```\n```output\n> ```\n```\n").isEmpty)
        #expect(errors("```swift demo=hello\n```\n```output\nx {{3 ±}} (num)\n```\n").first?
            .hasPrefix("lesson.md:4:1: error:") == true)
        #expect(errors("```swift demo=hello\n```\n```output\nno placeholder (num)\n```\n").count == 1)
    }

    @Test func aMismatchMakesAPassedResultFailedButLeavesErrorsAlone() throws {
        let lesson = try Support.lesson(Support.outputLesson("expected\n"))
        let cell = lesson.cells[0]
        let failed = OutputCheck.judged(Support.result(cell.id, stdout: "actual\n"), for: cell)
        #expect(failed.status == .failed)
        #expect(failed.detail == "stdout does not match the `output` block at lesson.md:6")
        let passed = OutputCheck.judged(Support.result(cell.id, stdout: "expected\n"), for: cell)
        #expect(passed.status == .passed)
        #expect(passed.mismatches.isEmpty)
        let error = OutputCheck.judged(Support.result(cell.id, stdout: "actual\n", status: .error), for: cell)
        #expect(error.status == .error, "an unexpected exit says more than the output")
        #expect(error.mismatches.count == 1)
    }
}
