import Foundation
import LessonRunner

/// One server-sent event for a live page (see LivePages.md): a name and one line of JSON.
struct ServerEvent: Sendable {
    var name: String
    var json: String
    /// For output events, what can be merged with a neighbour of the same cell, run and stream.
    var mergeableOutput: Output?

    struct Output: Sendable, Equatable {
        var cell: String
        var run: Int
        var stream: LessonRunner.OutputStream
        var text: String
    }

    private static func encoded(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding strings and numbers cannot fail.
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func state(cell: String, status: String, run: Int) -> ServerEvent {
        struct Body: Encodable { var cell: String; var status: String; var run: Int }
        return ServerEvent(name: "state", json: encoded(Body(cell: cell, status: status, run: run)))
    }

    static func output(cell: String, run: Int, stream: LessonRunner.OutputStream, text: String) -> ServerEvent {
        struct Body: Encodable { var cell: String; var run: Int; var stream: String; var text: String }
        return ServerEvent(
            name: "output", json: encoded(Body(cell: cell, run: run, stream: stream.rawValue, text: text)),
            mergeableOutput: Output(cell: cell, run: run, stream: stream, text: text))
    }

    static func cut(cell: String, run: Int, stream: LessonRunner.OutputStream, message: String) -> ServerEvent {
        struct Body: Encodable { var cell: String; var run: Int; var stream: String; var message: String }
        return ServerEvent(
            name: "cut", json: encoded(Body(cell: cell, run: run, stream: stream.rawValue, message: message)))
    }

    static func finished(cell: String, run: Int, status: CellStatus, html: String) -> ServerEvent {
        struct Body: Encodable { var cell: String; var run: Int; var status: String; var html: String }
        return ServerEvent(
            name: "finished", json: encoded(Body(cell: cell, run: run, status: status.rawValue, html: html)))
    }

    static let reload = ServerEvent(name: "reload", json: "{}")

    static func error(cell: String?, message: String) -> ServerEvent {
        struct Body: Encodable { var cell: String?; var message: String }
        return ServerEvent(name: "error", json: encoded(Body(cell: cell, message: message)))
    }

    /// The event as the `text/event-stream` format writes it.
    var wireText: String { "event: \(name)\ndata: \(json)\n\n" }

    /// Merges consecutive output events of the same cell, run and stream into one, so that a flood of small
    /// writes reaches a slow page as a few large events.
    static func coalesced(_ events: [ServerEvent]) -> [ServerEvent] {
        var merged: [ServerEvent] = []
        for event in events {
            if let next = event.mergeableOutput, let last = merged.last?.mergeableOutput, last.cell == next.cell, last.run == next.run,
                last.stream == next.stream
            {
                merged[merged.count - 1] = .output(
                    cell: last.cell, run: last.run, stream: last.stream, text: last.text + next.text)
            } else {
                merged.append(event)
            }
        }
        return merged
    }
}
