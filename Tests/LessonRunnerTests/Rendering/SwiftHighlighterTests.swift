import LessonRunner
import Testing

@Suite("SwiftHighlighter")
struct SwiftHighlighterTests {
    @Test func classifiesTokensWithTheParserAndKeepsEveryByte() {
        let html = SwiftHighlighter.html("let x: Int = 42 // é <\n")
        #expect(html == "<span class=\"hl-keyword\">let</span> <span class=\"hl-identifier\">x</span>: "
            + "<span class=\"hl-type\">Int</span> = <span class=\"hl-number\">42</span> "
            + "<span class=\"hl-comment\">// é &lt;</span>\n")
    }

    @Test func aFragmentWithTopLevelReturnStillHighlights() {
        let html = SwiftHighlighter.html("return \"a\\(b)\"")
        #expect(html.hasPrefix("<span class=\"hl-keyword\">return</span> <span class=\"hl-string\">&quot;a</span>"))
    }
}
