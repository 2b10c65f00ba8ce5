/// A JSON report for tools: every lesson, every cell with its status, output and mismatches, and totals.
///
/// ```json
/// {"version": 1, "summary": {"cells": 2, "passed": 1, "failed": 1, "error": 0, "timed out": 0, "skipped": 0},
///  "lessons": [{"path": "intro.md", "title": "Intro", "seconds": 0.01, "cells": [
///    {"id": "hello", "file": "intro.md", "line": 5, "status": "failed", "detail": "…", "seconds": 0.002,
///     "cached": false, "termination": "exit 0", "stdout": "…", "stderr": "",
///     "mismatches": [{"stream": "stdout", "file": "intro.md", "line": 10, "diff": "…"}]}]}]}
/// ```
public struct JSONReport: Sendable {
    public init() {}

    /// The report for these runs, in their order.
    public func render(_ runs: [LessonRunResult]) -> [UInt8] {
        let all = runs.flatMap(\.results)
        var summary = [("cells", "\(all.count)")]
        for status in CellStatus.allCases {
            summary.append((status.rawValue, "\(all.count { $0.status == status })"))
        }
        let lessons = runs.map { run in
            Self.object([
                ("path", Self.string(run.lesson.path)),
                ("title", run.lesson.title.map(Self.string) ?? "null"),
                ("seconds", JUnitReport.seconds(run.duration)),
                ("cells", "[" + run.results.map { Self.cell($0, in: run.lesson) }.joined(separator: ",") + "]"),
            ])
        }
        let text = Self.object([
            ("version", "1"), ("summary", Self.object(summary)),
            ("lessons", "[" + lessons.joined(separator: ",") + "]"),
        ])
        return Array((text + "\n").utf8)
    }

    private static func cell(_ result: CellResult, in lesson: Lesson) -> String {
        let location = lesson.cell(id: result.cellID)?.location
        let mismatches = result.mismatches.map { mismatch in
            object([
                ("stream", string(mismatch.stream.rawValue)), ("file", string(mismatch.location.file)),
                ("line", "\(mismatch.location.line)"), ("diff", string(mismatch.diff)),
            ])
        }
        return object([
            ("id", string(result.cellID)), ("file", string(lesson.path)), ("line", "\(location?.line ?? 1)"),
            ("status", string(result.status.rawValue)), ("detail", result.detail.map(string) ?? "null"),
            ("seconds", JUnitReport.seconds(result.duration)), ("cached", result.isCached ? "true" : "false"),
            ("termination", result.termination.map { string($0.description) } ?? "null"),
            ("stdout", string(result.output.stdout.text)), ("stderr", string(result.output.stderr.text)),
            ("mismatches", "[" + mismatches.joined(separator: ",") + "]"),
        ])
    }

    private static func object(_ members: [(String, String)]) -> String {
        "{" + members.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    /// A JSON string literal.
    static func string(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
