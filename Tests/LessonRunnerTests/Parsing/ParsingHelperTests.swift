import Testing

@testable import LessonRunner

@Suite("Parsing helpers")
struct ParsingHelperTests {
    @Test func shellWords() throws {
        let words = try ShellWords.split(Array(#"--samples 1000 'two words' "say \"hi\"" a\ b x"y"z '' "#.utf8)).get()
        #expect(words.map(\.text) == ["--samples", "1000", "two words", #"say "hi""#, "a b", "xyz", ""])
        #expect(try ShellWords.split(Array("   ".utf8)).get().isEmpty)
    }

    @Test func shellWordsUnterminated() {
        #expect(throws: ShellWords.UnterminatedQuote(offset: 2, quote: "\"")) {
            try ShellWords.split(Array(#"a "b 'c'"#.utf8)).get()
        }
        #expect(throws: ShellWords.UnterminatedQuote(offset: 0, quote: "'")) {
            try ShellWords.split(Array(#"'a "b""#.utf8)).get()
        }
    }

    @Test(arguments: [
        ("10", DurationParser.Failure.missingUnit), ("1.5", .missingUnit), ("s", .malformed), ("1.s", .malformed),
        (".5s", .malformed), ("1..5s", .malformed), ("1 s", .malformed), ("0s", .notPositive),
        ("0.0000000001s", .notPositive), ("9999999999999m", .tooLarge),
    ])
    func durationFailures(text: String, failure: DurationParser.Failure) {
        #expect(throws: failure) { try DurationParser.parse(text).get() }
    }

    @Test func durations() throws {
        #expect(try DurationParser.parse("1ms").get() == .milliseconds(1))
        #expect(try DurationParser.parse("007s").get() == .seconds(7))
        #expect(try DurationParser.parse("0.001ms").get() == .microseconds(1))
        #expect(try DurationParser.parse("1.5m").get() == .seconds(90))
    }

    @Test func editDistance() {
        #expect(EditDistance.between("kitten", "sitting") == 3)
        #expect(EditDistance.between("", "abc") == 3)
        #expect(EditDistance.closest(to: "pol-map", in: ["hello", "pool-map"]) == "pool-map")
        #expect(EditDistance.closest(to: "xyz", in: ["hello", "pool-map"]) == nil)
        #expect(EditDistance.closest(to: "a", in: ["b"]) == nil)
    }

    @Test func sourceLines() {
        let lines = SourceLines(Array("a\r\nbc\rd\n\ne".utf8))
        #expect(lines.count == 5)
        #expect(lines.line(1) == .init(start: 0, contentEnd: 1, end: 3))
        #expect(lines.line(2) == .init(start: 3, contentEnd: 5, end: 6))
        #expect(lines.line(5) == .init(start: 9, contentEnd: 10, end: 10))
        #expect(lines.position(ofOffset: 4) == (2, 2))
        #expect(lines.position(ofOffset: 9) == (5, 1))
    }

    @Test func infoStringTokens() throws {
        let info = ArraySlice(Array(#"swift demo=a args="x y" skip"#.utf8))
        let tokens = try InfoStringTokenizer.tokenize(info, column: 4).get()
        #expect(tokens.language == "swift")
        #expect(tokens.attributes.map(\.key) == ["demo", "args", "skip"])
        #expect(tokens.attributes.map(\.value) == ["a", "x y", nil])
        #expect(tokens.attributes.map(\.column) == [10, 17, 28])
        #expect(tokens.attributes[1].raw == #"args="x y""#)
        #expect(tokens.attributes[1].valueColumns == [23, 24, 25])
    }
}
