/// A JUnit XML report for CI: a `testsuite` per lesson, a `testcase` per cell.
///
/// A failed cell (its output does not match) has a `failure` element whose text is the diff; an `error` or a
/// `timed out` cell has an `error` element; a skipped cell has `skipped`. Each test case carries the cell's file
/// and line, and the cell's stdout and stderr go in `system-out` and `system-err` when it did not pass.
public struct JUnitReport: Sendable {
    public init() {}

    /// The report for these runs, in their order.
    public func render(_ runs: [LessonRunResult]) -> [UInt8] {
        let all = runs.flatMap(\.results)
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"lesson check\"" + Self.counts(all)
            + " time=\"\(Self.seconds(runs.reduce(.zero) { $0 + $1.duration }))\">\n"
        for run in runs {
            xml += "  <testsuite name=\"\(XMLText.escaped(run.lesson.path))\"" + Self.counts(run.results)
                + " time=\"\(Self.seconds(run.duration))\">\n"
            for result in run.results {
                let line = run.lesson.cell(id: result.cellID)?.location.line ?? 1
                xml += "    <testcase name=\"\(XMLText.escaped(result.cellID))\""
                    + " classname=\"\(XMLText.escaped(run.lesson.path))\""
                    + " file=\"\(XMLText.escaped(run.lesson.path))\" line=\"\(line)\""
                    + " time=\"\(Self.seconds(result.duration))\""
                xml += Self.body(of: result).map { ">\n" + $0 + "    </testcase>\n" } ?? "/>\n"
            }
            xml += "  </testsuite>\n"
        }
        xml += "</testsuites>\n"
        return Array(xml.utf8)
    }

    private static func body(of result: CellResult) -> String? {
        let message = XMLText.escaped(StatusLine.text(for: result))
        var body: String
        switch result.status {
        case .passed:
            return nil
        case .skipped:
            return "      <skipped message=\"\(XMLText.escaped(result.detail ?? "skipped"))\"/>\n"
        case .failed:
            let diffs = result.mismatches.map(\.description).joined(separator: "\n")
            body = "      <failure type=\"output mismatch\" message=\"\(message)\">"
                + XMLText.escaped(diffs) + "</failure>\n"
        case .error, .timedOut, .stopped:
            body = "      <error type=\"\(result.status)\" message=\"\(message)\">"
                + XMLText.escaped(result.detail ?? result.status.rawValue) + "</error>\n"
        }
        for (stream, element) in [(OutputStream.stdout, "system-out"), (.stderr, "system-err")]
        where !result.output[stream].isEmpty {
            body += "      <\(element)>" + XMLText.escaped(TerminalText.plain(result.output[stream].text))
                + "</\(element)>\n"
        }
        return body
    }

    private static func counts(_ results: [CellResult]) -> String {
        func count(_ statuses: CellStatus...) -> Int { results.count { statuses.contains($0.status) } }
        return " tests=\"\(results.count)\" failures=\"\(count(.failed))\" errors=\"\(count(.error, .timedOut))\""
            + " skipped=\"\(count(.skipped))\""
    }

    /// Seconds with millisecond precision, as JUnit readers expect: `0.004`.
    static func seconds(_ duration: Duration) -> String {
        let milliseconds = Int((duration.nanoseconds + 500_000) / 1_000_000)
        let fraction = String(milliseconds % 1000)
        return "\(milliseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}

/// Text for XML attributes and elements.
enum XMLText {
    /// `text` with `&`, `<`, `>`, `"` and `'` as entities, and the characters XML 1.0 cannot hold at all (control
    /// characters other than tab, line feed and carriage return; U+FFFE and U+FFFF) as U+FFFD.
    static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n": result.unicodeScalars.append(scalar)
            case "\r": result += "&#13;"
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    result += "\u{FFFD}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}
