import Multiprocessing

/// One cell as the HTML report shows it: an anchor, a status badge with the exit and the duration, the code
/// highlighted, and stdout and stderr as separate blocks.
///
/// ```html
/// <section class="cell status-passed" id="cell-ID">
///   <header class="cell-header">…badge, id, demo, exit, duration…</header>
///   <pre class="code"><code class="language-swift">…</code></pre>
///   <div class="cell-detail">…</div>           (a status other than passed or skipped)
///   <div class="diff">…</div>                  (a failed cell's diffs)
///   <figure class="stream stream-stdout">…</figure>
///   <figure class="stream stream-stderr">…</figure>
///   <ul class="cell-notes">…</ul>              (cut output, invalid UTF-8, ended stray processes)
/// </section>
/// ```
///
/// A live page's cell (see ``LivePage``) also has `data-cell="ID"`, the controls at the end of its header
/// (`span.cell-controls`: `input.cell-args` for a demo with usage, `button.cell-run`, `button.cell-stop`), and
/// everything below the code in a `div.cell-output`: the result as above, an empty `pre.live-output` while the cell
/// is queued or running, or, before any run, the lesson's expected blocks as `figure.stream.expected`.
enum CellHTML {
    /// The anchor of a cell: `cell-ID`.
    static func anchor(_ cell: Cell) -> String { "cell-" + cell.id }

    /// The CSS class of a status: `status-passed`, `status-timed-out`.
    static func statusClass(_ status: CellStatus?) -> String {
        "status-" + (status?.rawValue.replacing(" ", with: "-") ?? "not-run")
    }

    /// The cell's HTML in `state` (``LivePage/CellState/notRun`` for a cell that was not run), with the live page's
    /// controls and output area when `live` is given.
    static func html(for cell: Cell, state: LivePage.CellState, diffs: [OutputDiff], live: LivePage?) -> String {
        let result: CellResult?
        let statusText: String
        let statusClass: String
        switch state {
        case .notRun: (result, statusText, statusClass) = (nil, "not run", Self.statusClass(nil))
        case .queued: (result, statusText, statusClass) = (nil, "queued", "status-queued")
        case .running: (result, statusText, statusClass) = (nil, "running", "status-running")
        case .finished(let finished):
            (result, statusText, statusClass) = (finished, finished.status.rawValue, Self.statusClass(finished.status))
        }
        let anchor = HTMLText.escaped(anchor(cell))
        var html = "<section class=\"cell \(statusClass)\" id=\"\(anchor)\""
        if live != nil { html += " data-cell=\"" + HTMLText.escaped(cell.id) + "\"" }
        html += ">\n<header class=\"cell-header\">"
        html += "<span class=\"badge \(statusClass)\">" + HTMLText.escaped(statusText) + "</span> "
        html += "<a class=\"cell-id\" href=\"#\(anchor)\">" + HTMLText.escaped(cell.id) + "</a> "
        html += "<span class=\"cell-demo\">demo=" + HTMLText.escaped(cell.demo) + "</span>"
        if let result, result.status != .skipped {
            html += " <span class=\"cell-exit\">"
                + HTMLText.escaped(result.termination?.description ?? "not started") + "</span>"
            html += " <span class=\"cell-duration\">" + HTMLText.escaped(DurationFormat.short(result.duration))
                + "</span>"
        }
        if let live { html += controls(cell, state: state, live: live) }
        html += "</header>\n"
        html += code(cell)
        if live != nil { html += "<div class=\"cell-output\">\n" }
        if let result {
            if result.status != .passed, let detail = result.detail {
                html += "<div class=\"cell-detail\">" + HTMLText.escaped(detail) + "</div>\n"
            }
            for diff in diffs { html += self.diff(diff) }
            if result.status != .skipped {
                for stream in [OutputStream.stdout, .stderr] where !result.output[stream].isEmpty {
                    html += self.stream(stream, result.output[stream])
                }
            }
            html += notes(result)
        } else if live != nil {
            switch state {
            case .queued, .running: html += "<pre class=\"live-output\"></pre>\n"
            case .notRun, .finished: html += expected(cell)
            }
        }
        if live != nil { html += "</div>\n" }
        html += "</section>\n"
        return html
    }

    /// A live cell's controls: the arguments field (for a demo with usage), Run, and Stop (hidden unless the cell
    /// is queued or running).
    private static func controls(_ cell: Cell, state: LivePage.CellState, live: LivePage) -> String {
        let id = HTMLText.escaped(cell.id)
        var html = " <span class=\"cell-controls\">"
        if let usage = live.usage[cell.demo] {
            html += "<input class=\"cell-args\" type=\"text\" value=\""
                + HTMLText.escaped(LivePage.argumentsText(of: cell)) + "\" title=\"" + HTMLText.escaped(usage)
                + "\" aria-label=\"Arguments of \(id)\" autocomplete=\"off\" spellcheck=\"false\"> "
        }
        html += "<button type=\"button\" class=\"cell-run\">Run</button> "
        let active: Bool
        switch state {
        case .queued, .running: active = true
        case .notRun, .finished: active = false
        }
        html += "<button type=\"button\" class=\"cell-stop\"" + (active ? "" : " hidden") + ">Stop</button>"
        return html + "</span>"
    }

    /// The lesson's expected `output` and `stderr` blocks of a cell that has not run, marked as such.
    private static func expected(_ cell: Cell) -> String {
        var html = ""
        for (stream, expected) in [(OutputStream.stdout, cell.expectedOutput), (.stderr, cell.expectedError)] {
            guard let expected else { continue }
            html += "<figure class=\"stream stream-\(stream.rawValue) expected\"><figcaption>\(stream.rawValue) · "
                + "expected, not yet run</figcaption><pre>" + HTMLText.escaped(expected.text) + "</pre></figure>\n"
        }
        return html
    }

    private static func code(_ cell: Cell) -> String {
        let code = cell.displayedCode
        guard !code.isEmpty else { return "" }
        let language = cell.language ?? "swift"
        let body = language == "swift" ? SwiftHighlighter.html(code) : HTMLText.escaped(code)
        return "<pre class=\"code\"><code class=\"language-\(HTMLText.escaped(language))\">" + body
            + "</code></pre>\n"
    }

    private static func stream(_ stream: OutputStream, _ capture: CapturedStream) -> String {
        "<figure class=\"stream stream-\(stream.rawValue)\"><figcaption>\(stream.rawValue)</figcaption>"
            + "<pre>" + TerminalHTML.html(capture.bytes) + "</pre></figure>\n"
    }

    private static func diff(_ diff: OutputDiff) -> String {
        var html = "<figure class=\"diff\"><figcaption>\(diff.stream.rawValue): "
            + "<del>expected</del> <ins>printed</ins></figcaption><pre>"
        for line in diff.lines {
            switch line {
            case .hunk(let text): html += "<span class=\"diff-hunk\">" + HTMLText.escaped(text) + "</span>\n"
            case .same(let text): html += "<span class=\"diff-same\">  " + HTMLText.escaped(text) + "</span>\n"
            case .expected(let text): html += "<del>- " + HTMLText.escaped(text) + "</del>\n"
            case .actual(let text): html += "<ins>+ " + HTMLText.escaped(text) + "</ins>\n"
            }
        }
        return html + "</pre></figure>\n"
    }

    private static func notes(_ result: CellResult) -> String {
        let notes = StatusLine.notes(for: result, invalidUTF8ShownAs: "\\xNN")
        guard !notes.isEmpty else { return "" }
        return "<ul class=\"cell-notes\">" + notes.map { "<li>" + HTMLText.escaped($0) + "</li>" }.joined()
            + "</ul>\n"
    }
}
