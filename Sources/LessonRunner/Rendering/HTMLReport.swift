/// The HTML report: one self-contained page per lesson, for a student to read.
///
/// The lesson's Markdown is rendered by cmark-gfm with the GFM extensions. Each cell and its `output` and `stderr`
/// blocks are replaced by the report's own cell HTML (see ``CellHTML``): before cmark sees the source, the report
/// splices it at the blocks' byte ranges, putting an empty placeholder code block where each cell stands (with
/// the cell's container prefix, so a cell in a quote or a list stays there) and removing the expected blocks;
/// cmark's HTML for each placeholder is then swapped for the cell. Headings get ids (slugs of their text) for
/// the table of contents; cells get `cell-ID` anchors.
///
/// The page is the ``template`` filled with these values:
///
/// - `title`, `path`: the lesson's title (its first heading, else its path) and its path.
/// - `content`: the lesson as HTML, cells included; use `{{{content}}}`.
/// - `toc`: the headings, each with `level`, `id` and `text`; `hasTOC` says whether there are any.
/// - `cells`: each cell's `id`, `anchor`, `demo`, `status`, `statusClass` and `duration`.
/// - `summary`: `passed`, `failed` (failed, error or timed out), `skipped`, `stopped`, `total` (every cell of
///   the lesson), `hasFailed`, `hasSkipped`, `hasStopped`, `succeeded`, `duration`, `counts` (`status`,
///   `statusClass` and `count` of each status present), `swiftVersion`, `machine` and `date`; when some cells have
///   no result (a live page), `notRun` (with `hasNotRun`) counts those.
/// - `indexHref`: a link back to the index page, when there is one.
/// - `previous`, `next`: the lessons before and after this one (``LessonNavigation``), each with `href` and
///   `title`, when there is one; `hasNavigation` says whether there is any of these three links.
/// - `live`: on a live page only (``LivePage``), its `lessonKey`, `scriptHref` and `eventsHref`.
/// - `generator`: `LessonRunner`.
public struct HTMLReport: Sendable {
    /// The page layout.
    public var template: ReportTemplate
    /// What happens to raw HTML in the lesson's Markdown: by default it goes through GFM's tag filter.
    public var rawHTML: CommonMarkConverter.RawHTML
    /// The Swift version, machine and date the summary shows.
    public var environment: ReportEnvironment
    /// The diffs a cell's block shows; by default the output check's (``CellResult/mismatches``).
    public var diffs: @Sendable (_ cell: Cell, _ result: CellResult) -> [OutputDiff]

    public init(
        template: ReportTemplate = .lesson, rawHTML: CommonMarkConverter.RawHTML = .filtered,
        environment: ReportEnvironment = .current,
        diffs: @escaping @Sendable (_ cell: Cell, _ result: CellResult) -> [OutputDiff] = HTMLReport.expectedOutputDiffs
    ) {
        self.template = template
        self.rawHTML = rawHTML
        self.environment = environment
        self.diffs = diffs
    }

    /// The diffs of a cell whose output did not match its expected blocks, from the output check.
    @Sendable public static func expectedOutputDiffs(_ cell: Cell, _ result: CellResult) -> [OutputDiff] {
        result.mismatches.map(OutputDiff.init)
    }

    /// Renders the page for a lesson run.
    ///
    /// - Parameters:
    ///   - indexHref: A link to the index page of the lessons rendered with this one, if any.
    ///   - navigation: Links to the lessons before and after this one.
    ///   - live: Makes the page a live page (see ``LivePage``): a cell without a result in `run` shows the lesson's
    ///     expected blocks as not yet run. Without it the page is the static report.
    public func render(
        _ run: LessonRunResult, indexHref: String? = nil, navigation: LessonNavigation = LessonNavigation(),
        live: LivePage? = nil
    ) -> [UInt8] {
        Array(template.render(values(for: run, indexHref: indexHref, navigation: navigation, live: live)).utf8)
    }

    /// The section of one cell of a live page, exactly as the page shows it (without the line break after it):
    /// what the server sends when the cell's run finishes.
    ///
    /// - Parameters:
    ///   - cell: A cell of the lesson.
    ///   - result: The cell's result, or nil when it has not run in this server.
    ///   - live: The page the section is part of.
    public func cellSection(for cell: Cell, result: CellResult?, live: LivePage) -> String {
        cellSection(for: cell, state: LivePage.CellState(result), live: live)
    }

    /// The section of one cell of a live page in `state`, exactly as the page shows it (without the line break
    /// after it); a queued or running cell's badge says so, and its output area is an empty `pre.live-output`.
    public func cellSection(for cell: Cell, state: LivePage.CellState, live: LivePage) -> String {
        var html = cellHTML(cell, state: state, live: live)
        if html.hasSuffix("\n") { html.removeLast() }
        return html
    }

    private func cellHTML(_ cell: Cell, state: LivePage.CellState, live: LivePage?) -> String {
        var diffs: [OutputDiff] = []
        if case .finished(let result) = state { diffs = self.diffs(cell, result) }
        return CellHTML.html(for: cell, state: state, diffs: diffs, live: live)
    }

    /// The values the template receives.
    func values(
        for run: LessonRunResult, indexHref: String?, navigation: LessonNavigation = LessonNavigation(),
        live: LivePage? = nil
    ) -> [String: Any] {
        let lesson = run.lesson
        let marker = Self.markerPrefix(avoiding: lesson.source)
        var edits: [SourceEdit] = []
        for (index, cell) in lesson.cells.enumerated() {
            let newline = OutputBlockSplicer.lineEnding(of: cell.block, in: lesson.source)
            let placeholder = cell.block.linePrefix + "```" + marker + "\(index)" + newline
                + cell.block.continuationPrefix + "```" + newline
            edits.append(SourceEdit(range: cell.block.byteRange, replacement: placeholder))
            for expected in [cell.expectedOutput, cell.expectedError].compactMap(\.self) {
                edits.append(SourceEdit(range: expected.block.byteRange, replacement: ""))
            }
        }
        let markdown = SourceEdit.apply(edits, to: lesson.source)

        var slugs = HeadingSlugs(reserved: Set(lesson.cells.map(CellHTML.anchor)))
        let headings = CommonMarkConverter.parse(markdown).allNodes.filter { $0.kind == .heading }
        let headingIDs = headings.map { slugs.slug(for: $0.plainText) }
        let toc: [[String: Any]] = zip(headings, headingIDs).map { heading, id in
            ["level": heading.headingLevel ?? 1, "id": id, "text": heading.plainText]
        }
        let cellsHTML = lesson.cells.map { cell in
            cellHTML(cell, state: LivePage.CellState(run.result(for: cell.id)), live: live)
        }
        let content = Self.replacingPlaceholders(
            in: CommonMarkConverter.renderHTML(markdown, rawHTML: rawHTML, headingIDs: headingIDs),
            marker: marker, with: cellsHTML)

        let summary = Self.summary(of: [run], environment: environment)
        var values: [String: Any] = [
            "title": lesson.title ?? lesson.path,
            "path": lesson.path,
            "content": content,
            "toc": toc,
            "hasTOC": !toc.isEmpty,
            "cells": lesson.cells.map { cell -> [String: Any] in
                let result = run.result(for: cell.id)
                return [
                    "id": cell.id, "anchor": CellHTML.anchor(cell), "demo": cell.demo,
                    "status": result?.status.rawValue ?? "not run", "statusClass": CellHTML.statusClass(result?.status),
                    "duration": result.map { DurationFormat.short($0.duration) } ?? "",
                ]
            },
            "summary": summary,
            "generator": "LessonRunner",
        ]
        if let indexHref { values["indexHref"] = indexHref }
        values.merge(navigation.values) { _, new in new }
        values["hasNavigation"] = indexHref != nil || navigation.previous != nil || navigation.next != nil
        if let live {
            values["live"] = ["lessonKey": live.lessonKey, "scriptHref": live.scriptHref, "eventsHref": live.eventsHref]
        }
        return values
    }

    /// The summary values of one or more runs. Every cell of each lesson counts: a cell without a result (a live
    /// page before it ran) is not run, and only failed, error and timed out cells are failed (a stopped cell is
    /// stopped, as its badge says).
    static func summary(of runs: [LessonRunResult], environment: ReportEnvironment) -> [String: Any] {
        var counts: [CellStatus: Int] = [:]
        var duration = Duration.zero
        var notRun = 0
        for run in runs {
            counts.merge(run.counts, uniquingKeysWith: +)
            duration += run.duration
            notRun += run.notRunCount
        }
        let passed = counts[.passed] ?? 0
        let skipped = counts[.skipped] ?? 0
        let stopped = counts[.stopped] ?? 0
        let failed = CellStatus.failures.reduce(0) { $0 + (counts[$1] ?? 0) }
        var summary: [String: Any] = [
            "passed": passed, "skipped": skipped, "failed": failed, "stopped": stopped,
            "total": counts.values.reduce(0, +) + notRun,
            "hasFailed": failed > 0, "hasSkipped": skipped > 0, "hasStopped": stopped > 0,
            "succeeded": runs.allSatisfy(\.succeeded), "duration": DurationFormat.short(duration),
            "counts": CellStatus.allCases.compactMap { status -> [String: Any]? in
                guard let count = counts[status] else { return nil }
                return ["status": status.rawValue, "statusClass": CellHTML.statusClass(status), "count": count]
            },
            "swiftVersion": environment.swiftVersion, "machine": environment.machine, "date": environment.date,
        ]
        if notRun > 0 {
            summary["notRun"] = notRun
            summary["hasNotRun"] = true
        }
        return summary
    }

    /// `html` with each cell's placeholder (`<pre><code class="language-MARKERi"></code></pre>` and its line break)
    /// replaced by `cells[i]`, in one pass: replacing them one by one rescanned the page once per cell.
    static func replacingPlaceholders(in html: String, marker: String, with cells: [String]) -> String {
        let opening = Array("<pre><code class=\"language-\(marker)".utf8)
        let closing = Array("\"></code></pre>\n".utf8)
        let bytes = Array(html.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + cells.reduce(0) { $0 + $1.utf8.count })
        var position = 0
        var copied = 0
        while position + opening.count <= bytes.count {
            guard bytes[position] == opening[0], bytes[position..<(position + opening.count)].elementsEqual(opening)
            else {
                position += 1
                continue
            }
            var end = position + opening.count
            var index = 0
            var digits = 0
            while end < bytes.count, bytes[end] >= UInt8(ascii: "0"), bytes[end] <= UInt8(ascii: "9"), digits < 9 {
                index = index * 10 + Int(bytes[end] - UInt8(ascii: "0"))
                end += 1
                digits += 1
            }
            guard digits > 0, index < cells.count, end + closing.count <= bytes.count,
                bytes[end..<(end + closing.count)].elementsEqual(closing)
            else {
                position += 1
                continue
            }
            result += bytes[copied..<position]
            result += cells[index].utf8
            position = end + closing.count
            copied = position
        }
        result += bytes[copied...]
        return String(decoding: result, as: UTF8.self)
    }

    /// A code block language that the lesson's source does not contain, so that a placeholder cannot be confused
    /// with an author's block.
    private static func markerPrefix(avoiding source: [UInt8]) -> String {
        var marker = "lessonrunner-cell-"
        while source.contains(marker.utf8) { marker = "x" + marker }
        return marker
    }
}

extension [UInt8] {
    fileprivate func contains(_ bytes: String.UTF8View) -> Bool {
        let needle = Array(bytes)
        guard needle.count <= count else { return false }
        return indices.dropLast(needle.count - 1).contains { self[$0..<$0 + needle.count].elementsEqual(needle) }
    }
}

extension CellStatus {
    /// The statuses the summaries count as failed.
    static let failures: [CellStatus] = [.failed, .error, .timedOut]
}

extension LessonRunResult {
    /// How many of the lesson's cells have no result.
    var notRunCount: Int {
        let ran = Set(results.map(\.cellID))
        return lesson.cells.count(where: { !ran.contains($0.id) })
    }
}
