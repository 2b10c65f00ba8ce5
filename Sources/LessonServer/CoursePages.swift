import Foundation
import LessonRunner

/// The server's pages, made by the same renderer and templates as `lesson render --format html`: the index, each
/// lesson's live page, and the page of a lesson that does not load.
struct CoursePages: Sendable {
    var report = HTMLReport()
    var index = HTMLIndex(title: "Lessons")

    /// `key` percent-encoded for a path or a query value: everything but ASCII letters, digits, `-._~` and `/`.
    static func percentEncoded(_ key: String) -> String {
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        allowed.insert(charactersIn: "-._~/")
        return key.addingPercentEncoding(withAllowedCharacters: allowed) ?? key
    }

    /// The address of a lesson's page.
    static func href(_ key: String) -> String { "/lessons/" + Self.percentEncoded(key) }

    func livePage(for key: String, catalog: DemoCatalog) -> LivePage {
        LivePage(lessonKey: key, usage: LivePage.usage(of: catalog))
    }

    /// The live page of a loaded lesson, with the results of the runs this server finished.
    func lessonPage(
        _ lesson: Lesson, key: String, results: [String: CellResult], catalog: DemoCatalog,
        navigation: LessonNavigation
    ) -> [UInt8] {
        report.render(
            Self.run(of: lesson, results: results), indexHref: "/", navigation: navigation,
            live: livePage(for: key, catalog: catalog))
    }

    /// A lesson with the results of the runs this server finished, by cell id, as the renderer takes it.
    static func run(of lesson: Lesson, results: [String: CellResult]) -> LessonRunResult {
        let shown = lesson.cells.compactMap { results[$0.id] }
        return LessonRunResult(lesson: lesson, results: shown, duration: shown.reduce(.zero) { $0 + $1.duration })
    }

    /// A finished cell's section, as its page shows it (a nil result: the cell not run).
    func cellSection(_ cell: Cell, result: CellResult?, key: String, catalog: DemoCatalog) -> String {
        report.cellSection(for: cell, result: result, live: livePage(for: key, catalog: catalog))
    }

    /// The page of a lesson that does not load: its errors as the command line prints them. It listens to the
    /// lesson's events, so it reloads once the file is fixed.
    func brokenPage(key: String, diagnostics: [LessonDiagnostic]) -> [UInt8] {
        let title = HTMLText.escaped(key)
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>\(title): errors</title><script src="/live.js" defer></script>
            <style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
            pre{background:#fdecea;color:#611a15;padding:1rem;overflow:auto;white-space:pre-wrap}
            a{color:#0969da}
            @media (prefers-color-scheme: dark){body{background:#111;color:#ddd}pre{background:#3b1412;color:#f6c1bc}
            a{color:#4493f8}}
            </style></head>
            <body data-lesson="\(title)" data-events="/events?lesson=\(Self.percentEncoded(key))">
            <p><a href="/">← All lessons</a></p>
            <h1>\(title) does not load</h1>
            <p>Fix the lesson and save it: this page reloads by itself.</p>
            <pre class="lesson-errors">
            """
        for diagnostic in diagnostics { html += HTMLText.escaped(diagnostic.description) + "\n" }
        html += "</pre>\n</body></html>\n"
        return Array(html.utf8)
    }

    /// The course index: each loaded lesson with its counts from this server's runs, then the lessons that do not
    /// load. It listens to the index events and reloads when a run finishes or a lesson changes.
    func indexPage(loaded: [(key: String, run: LessonRunResult)], broken: [(key: String, count: Int)],
                   pathErrors: [LessonDiagnostic]) -> [UInt8] {
        var html = String(decoding: index.render(loaded.map(\.run), hrefs: loaded.map { Self.href($0.key) }),
                          as: UTF8.self)
        html = html.replacing(
            "<head>", with: "<head>\n<script src=\"/live.js\" defer></script>", maxReplacements: 1)
        html = html.replacing("<body", with: "<body data-events=\"/events\"", maxReplacements: 1)
        if !broken.isEmpty || !pathErrors.isEmpty {
            var section = "<section class=\"broken-lessons\"><h2>Lessons that do not load</h2><ul>\n"
            for (key, count) in broken {
                section += "<li><a href=\"\(HTMLText.escaped(Self.href(key)))\">\(HTMLText.escaped(key))</a>: "
                    + "\(count) error\(count == 1 ? "" : "s")</li>\n"
            }
            for error in pathErrors { section += "<li>" + HTMLText.escaped(error.description) + "</li>\n" }
            section += "</ul></section>\n"
            // Inside the page's main content, under the lessons that load, so that it has the page's layout.
            if let range = html.range(of: "</main>", options: .backwards) ?? html.range(of: "</body>", options: .backwards) {
                html.insert(contentsOf: section, at: range.lowerBound)
            }
        }
        return Array(html.utf8)
    }
}
