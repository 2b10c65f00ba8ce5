@testable import LessonRunner
import Testing

@Suite("JUnit and JSON text")
struct ReportFormatTests {
    @Test func xmlTextEscapesMarkupAndDropsWhatXMLCannotHold() {
        #expect(XMLText.escaped("a<b>&\"c\"'") == "a&lt;b&gt;&amp;&quot;c&quot;&apos;")
        #expect(XMLText.escaped("tab\tline\nreturn\r") == "tab\tline\nreturn&#13;")
        #expect(XMLText.escaped("\u{1B}[31mred\u{0}") == "\u{FFFD}[31mred\u{FFFD}")
        #expect(XMLText.escaped("π ≈ 3.14 🚀") == "π ≈ 3.14 🚀")
    }

    @Test func jsonStringsEscapeQuotesBackslashesAndControls() {
        #expect(JSONReport.string("say \"hi\"\\\n\t\u{1}") == "\"say \\\"hi\\\"\\\\\\n\\t\\u0001\"")
        #expect(JSONReport.string("ünï") == "\"ünï\"")
    }

    @Test func secondsHaveMillisecondPrecision() {
        #expect(JUnitReport.seconds(.microseconds(4210)) == "0.004")
        #expect(JUnitReport.seconds(.milliseconds(12_345)) == "12.345")
        #expect(JUnitReport.seconds(.zero) == "0.000")
    }
}
