/// The index page of a folder of HTML reports: each lesson with a link and its pass counts.
///
/// The page is the ``template`` filled with `title`, `lessons` (each with `title`, `path`, `href`, `passed`,
/// `failed`, `skipped`, `total`, `succeeded`, `statusClass` and `duration`), `summary` (as in ``HTMLReport``) and
/// `generator`.
public struct HTMLIndex: Sendable {
    /// The page layout.
    public var template: ReportTemplate
    /// The Swift version, machine and date the summary shows.
    public var environment: ReportEnvironment
    /// The page's title.
    public var title: String

    public init(
        template: ReportTemplate = .index, environment: ReportEnvironment = .current, title: String = "Lessons"
    ) {
        self.template = template
        self.environment = environment
        self.title = title
    }

    /// Renders the index of `runs`, each linked by the relative address in `hrefs` at the same position.
    public func render(_ runs: [LessonRunResult], hrefs: [String]) -> [UInt8] {
        let lessons: [[String: Any]] = zip(runs, hrefs).map { run, href in
            let summary = HTMLReport.summary(of: [run], environment: environment)
            return [
                "title": run.lesson.title ?? run.lesson.path, "path": run.lesson.path, "href": href,
                "passed": summary["passed"]!, "failed": summary["failed"]!, "skipped": summary["skipped"]!,
                "total": summary["total"]!, "succeeded": run.succeeded, "duration": summary["duration"]!,
                "statusClass": run.succeeded ? "status-passed" : "status-failed",
            ]
        }
        let values: [String: Any] = [
            "title": title, "lessons": lessons, "summary": HTMLReport.summary(of: runs, environment: environment),
            "generator": "LessonRunner",
        ]
        return Array(template.render(values).utf8)
    }
}
