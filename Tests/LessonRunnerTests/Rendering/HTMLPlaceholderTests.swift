@testable import LessonRunner
import Testing

/// The cells' HTML goes where cmark put their placeholder code blocks, and nowhere else.
@Suite struct HTMLPlaceholderTests {
    @Test func eachPlaceholderIsReplacedByItsCellAndOtherTextStays() {
        let page = """
            <h1>T</h1>
            <pre><code class="language-m1"></code></pre>
            <p>language-m0 in prose</p>
            <pre><code class="language-m0"></code></pre>
            <pre><code class="language-m7"></code></pre>
            <pre><code class="language-mx"></code></pre>

            """
        let replaced = HTMLReport.replacingPlaceholders(in: page, marker: "m", with: ["<zero/>", "<one/>"])
        #expect(replaced == """
            <h1>T</h1>
            <one/><p>language-m0 in prose</p>
            <zero/><pre><code class="language-m7"></code></pre>
            <pre><code class="language-mx"></code></pre>

            """, "an index with no cell, or no index, is left as it is")
    }
}
