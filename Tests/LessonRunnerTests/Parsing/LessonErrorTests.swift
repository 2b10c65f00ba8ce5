import Foundation
import Testing

@testable import LessonRunner

@Suite("Lesson errors")
struct LessonErrorTests {
    @Test func everyErrorIsReportedInOnePass() throws {
        let url = try #require(
            Bundle.module.url(forResource: "broken", withExtension: "md", subdirectory: "Fixtures/Parsing"))
        let source = try [UInt8](Data(contentsOf: url))
        #expect(diagnostics(ofBytes: source) == [
            "3:10: error: unknown demo `helo`; did you mean `hello`?",
            "7:21: error: timeout `10` has no unit: write `10ms`, `10s` or `10m`",
            "7:32: error: unknown attribute `tmeout`; did you mean `timeout`?",
            "7:42: error: invalid skip value `maybe`: write `skip`, `skip=true` or `skip=false`",
            "7:53: error: invalid exit code `300` in `expect`: write a number from 0 to 255",
            "13:1: error: `output` block has no cell right before it: put it right after a fenced block with "
                + "`demo=NAME`, or give it another info string",
            "17:21: error: duplicate cell id `hello`: the cell on line 7 already has it; give this cell a unique `id=`",
            "24:1: error: second `output` block for the cell on line 17 (the first is on line 21): a cell has at most "
                + "one",
            "28:10: error: missing demo value: write `demo=NAME` with the name of a registered demo",
            "28:23: error: unterminated `'` in the args value: add the closing `'`",
            "28:27: error: unknown signal `NOPE` in `expect`: write a name such as `SIGABRT` or a number from 1 to 64",
            "28:46: error: invalid id `bad!id`: use only letters, digits, `.`, `_` and `-`",
            "31:24: error: unterminated `\"` in the info string: add the closing `\"`",
            "34:19: error: bad attribute `=x`: write `key=value` or a bare `key` with a key made of letters, digits, "
                + "`-` and `_`",
            "34:22: error: bad attribute `\"q\"=1`: write `key=value` or a bare `key` with a key made of letters, "
                + "digits, `-` and `_`",
            "34:28: error: timeout `0s` is not greater than zero: give a positive duration",
            "34:39: error: missing expect value: write `expect=success`, `expect=failure`, `expect=exit:N`, "
                + "`expect=signal:NAME`, `expect=crash` or `expect=timeout`",
        ])
    }

    @Test func thrownErrorNamesTheFile() {
        #expect {
            try LessonParser(demos: testDemos).parse(Array("```swift demo=nope\n```\n".utf8), path: "docs/a.md")
        } throws: { error in
            (error as? LessonError)?.description
                == "docs/a.md:1:10: error: unknown demo `nope`: register it or use one of `crash`, `echo`, `hello`, "
                + "`pool-map`"
        }
    }

    @Test func unknownDemoWithoutRegisteredDemos() {
        #expect(throws: LessonError.self) {
            try LessonParser(demos: DemoRegistry()).parse(Array("```swift demo=x\n```\n".utf8), path: "a.md")
        }
        do {
            _ = try LessonParser(demos: DemoRegistry()).parse(Array("```swift demo=x\n```\n".utf8), path: "a.md")
        } catch {
            #expect(error.diagnostics.map(brief) == ["1:10: error: unknown demo `x`: no demos are registered"])
        }
    }

    @Test(arguments: [
        ("demo=", "1:10: error: missing demo value: write `demo=NAME` with the name of a registered demo"),
        ("demo=hello id", "1:21: error: missing id value: write `id=NAME` with letters, digits, `.`, `_` and `-`"),
        ("demo=hello id=\"a b\"", "1:21: error: invalid id `a b`: use only letters, digits, `.`, `_` and `-`"),
        ("demo=hello timeout", "1:21: error: missing timeout value: write a duration such as `timeout=10s`"),
        ("demo=hello timeout=1.5", "1:21: error: timeout `1.5` has no unit: write `1.5ms`, `1.5s` or `1.5m`"),
        ("demo=hello timeout=fast", "1:21: error: invalid timeout `fast`: write a number with the unit `ms`, `s` "
            + "or `m`, such as `500ms` or `1.5s`"),
        ("demo=hello timeout=1h", "1:21: error: invalid timeout `1h`: write a number with the unit `ms`, `s` "
            + "or `m`, such as `500ms` or `1.5s`"),
        ("demo=hello timeout=-1s", "1:21: error: invalid timeout `-1s`: write a number with the unit `ms`, `s` "
            + "or `m`, such as `500ms` or `1.5s`"),
        ("demo=hello timeout=0.0ms", "1:21: error: timeout `0.0ms` is not greater than zero: give a positive duration"),
        ("demo=hello timeout=99999999999999999999m", "1:21: error: timeout `99999999999999999999m` is too large: "
            + "give a shorter duration"),
        ("demo=hello args", "1:21: error: missing args value: write `args=\"…\"` with the demo's arguments"),
        ("demo=hello args='x \"y'", "1:29: error: unterminated `\"` in the args value: add the closing `\"`"),
        ("demo=hello expect=maybe", "1:21: error: invalid expect value `maybe`: write `expect=success`, "
            + "`expect=failure`, `expect=exit:N`, `expect=signal:NAME`, `expect=crash` or `expect=timeout`"),
        ("demo=hello expect=exit:x", "1:21: error: invalid exit code `x` in `expect`: write a number from 0 to 255"),
        ("demo=hello expect=signal:", "1:21: error: unknown signal `` in `expect`: write a name such as `SIGABRT` "
            + "or a number from 1 to 64"),
        ("demo=hello skip=1", "1:21: error: invalid skip value `1`: write `skip`, `skip=true` or `skip=false`"),
        ("demo=hello colour=red", "1:21: error: unknown attribute `colour`: a cell takes `demo`, `id`, `timeout`, "
            + "`args`, `skip`, `expect`"),
        ("demo=hello skp", "1:21: error: unknown attribute `skp`; did you mean `skip`?"),
        ("demo=hello timeout=1s timeout=2s", "1:32: error: duplicate attribute `timeout` (first at column 21): give "
            + "each attribute once"),
        ("demo=hello a.b=1", "1:21: error: bad attribute `a.b=1`: write `key=value` or a bare `key` with a key made "
            + "of letters, digits, `-` and `_`"),
        ("demo=pol-map", "1:10: error: unknown demo `pol-map`; did you mean `pool-map`?"),
        ("demo=\"hello", "1:15: error: unterminated `\"` in the info string: add the closing `\"`"),
    ])
    func attributeError(attributes: String, expected: String) {
        #expect(diagnostics(of: "```swift \(attributes)\ncode\n```\n") == [expected])
    }

    @Test func duplicateDefaultIDPointsAtDemo() {
        #expect(diagnostics(of: "```swift demo=hello\n```\n\n- ```swift demo=hello\n  ```\n") == [
            "4:12: error: duplicate cell id `hello`: the cell on line 1 already has it; add a unique `id=` to this cell"
        ])
    }

    @Test func invalidIDIsNotAlsoADuplicate() {
        #expect(diagnostics(of: "```swift demo=hello\n```\n\n```swift demo=hello id=a/b\n```\n") == [
            "4:21: error: invalid id `a/b`: use only letters, digits, `.`, `_` and `-`"
        ])
    }

    @Test func unicodeBeforeAnAttributeCountsBytes() {
        // "ï" and "ü" take two bytes each: columns count UTF-8 bytes, not characters.
        #expect(diagnostics(of: "```swïft demo=hello bogus=1\n```\n") == [
            "1:22: error: unknown attribute `bogus`: a cell takes `demo`, `id`, `timeout`, `args`, `skip`, `expect`"
        ])
        #expect(diagnostics(of: "> ```swift demo=hello args=\"ü 'x\"\n> ```\n") == [
            "1:32: error: unterminated `'` in the args value: add the closing `'`"
        ])
    }

    @Test func unterminatedQuoteOutsideACellIsIgnored() throws {
        let lesson = try parseLesson("```text Bob's session\nhi\n```\n")
        #expect(lesson.cells.isEmpty)
    }

    @Test func notUTF8StopsAtTheFirstInvalidByte() {
        var bytes = Array("# T\n\n```swift demo=nope\n```\nab".utf8)
        bytes += [0xFF, 0x41, 0x0A, 0xC3]
        #expect(diagnostics(ofBytes: bytes) == [
            "5:3: error: file is not valid UTF-8: byte 0xFF starts no valid character; save the lesson as UTF-8"
        ])
        // A truncated sequence is reported at its lead byte; CRLF lines count as one line.
        #expect(diagnostics(ofBytes: Array("a\r\nb\r\né".utf8.dropLast())) == [
            "3:1: error: file is not valid UTF-8: byte 0xC3 starts no valid character; save the lesson as UTF-8"
        ])
        // Overlong encodings and surrogates are not UTF-8.
        let notUTF8 = "error: file is not valid UTF-8"
        #expect(diagnostics(ofBytes: [0x41, 0xC0, 0x80]).first?.hasPrefix("1:2: \(notUTF8)") == true)
        #expect(diagnostics(ofBytes: [0xED, 0xA0, 0x80]).first?.hasPrefix("1:1: \(notUTF8)") == true)
        #expect(diagnostics(ofBytes: [0xF4, 0x90, 0x80, 0x80]).first?.hasPrefix("1:1: \(notUTF8)") == true)
        #expect(diagnostics(ofBytes: Array("ü € 😀 ok\n".utf8)).isEmpty)
    }
}
