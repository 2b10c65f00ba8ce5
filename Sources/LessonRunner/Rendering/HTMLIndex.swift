/// The index page of a folder of HTML reports: each lesson with a link and its pass counts.
///
/// The page is the ``template`` filled with `title`, `lessons` (each with `title`, `path`, `href`, `passed`,
/// `failed`, `skipped`, `stopped`, `hasStopped`, `notRun`, `hasNotRun`, `total`, `succeeded`, `statusClass` and `duration`),
/// `summary` (as in ``HTMLReport``) and `generator`. A lesson's `total` counts all its cells, run or not;
/// `succeeded` says that none failed (failed, error or timed out); `statusClass` is `status-failed` when one did,
/// `status-passed` when every cell ran and passed or was skipped, and else `status-not-run` (nothing failed, but
/// some cells were not run or were stopped).
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
            var summary = HTMLReport.summary(of: [run], environment: environment)
            let failed = summary["failed"] as? Int ?? 0
            let statusClass =
                failed > 0 ? "status-failed"
                : run.notRunCount == 0 && run.succeeded ? "status-passed" : "status-not-run"
            summary["notRun"] = summary["notRun"] ?? 0
            summary["hasNotRun"] = summary["hasNotRun"] ?? false
            var lesson: [String: Any] = [
                "title": run.lesson.title ?? run.lesson.path, "path": run.lesson.path, "href": href,
                "succeeded": failed == 0, "statusClass": statusClass,
            ]
            for key in ["passed", "failed", "skipped", "stopped", "hasStopped", "notRun", "hasNotRun", "total", "duration"] {
                lesson[key] = summary[key]!
            }
            return lesson
        }
        let values: [String: Any] = [
            "title": title, "lessons": lessons, "summary": HTMLReport.summary(of: runs, environment: environment),
            "generator": "LessonRunner",
        ]
        return Array(template.render(values).utf8)
    }
}
