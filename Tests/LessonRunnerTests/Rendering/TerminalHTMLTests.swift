import LessonRunner
import Testing

@Suite("TerminalHTML")
struct TerminalHTMLTests {
    func html(_ text: String) -> String { TerminalHTML.html(Array(text.utf8)) }

    @Test func escapesMarkup() {
        #expect(html("<b>&\"'</b>") == "&lt;b&gt;&amp;&quot;&#39;&lt;/b&gt;")
    }

    @Test func rendersColoursBoldAndResets() {
        #expect(html("\u{1B}[1;31mA\u{1B}[22mB\u{1B}[39mC") == "<span class=\"ansi-fg-red ansi-bold\">A</span>"
            + "<span class=\"ansi-fg-red\">B</span>C")
        #expect(html("\u{1B}[92;44mX\u{1B}[m") == "<span class=\"ansi-fg-bright-green ansi-bg-blue\">X</span>")
        #expect(html("\u{1B}[38;5;208mX\u{1B}[0m") == "X", "256 colours are dropped, not shown as text")
    }

    @Test func removesOtherEscapesAndShowsControlCharacters() {
        #expect(html("a\u{1B}[2Kb\u{1B}]0;title\u{07}c") == "abc")
        #expect(html("a\r\nb\rc\u{07}\td") == "a\nb\nc\u{2407}\td")
    }

    @Test func showsInvalidBytesEvenInsideAnEscapeSequence() {
        #expect(TerminalHTML.html([0x1B, 0x5B, 0xFF, 0x41]) == "<span class=\"invalid-utf8\" title=\"invalid UTF-8\">"
            + "\\xFF</span>A")
    }
}
