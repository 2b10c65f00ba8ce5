import FuzzSupport
@testable import LessonRunner

/// `lesson accept` as a property. The input is a lesson, a NUL byte, then what its cells printed: chunks split by
/// byte 0x01, taken in turn as each cell's stdout and stderr. After accepting, the lesson must still load, with the
/// same cells, and `check`'s comparison must pass for every stream. When the first byte after the NUL is even,
/// cells print only on streams that have a block, and then every byte outside the `output` and `stderr` blocks
/// must be unchanged.
@main
enum FuzzLessonAccept {
    static let parser = LessonParser(demos: DemoRegistry([
        "crash", "doubler", "hello-lines", "lock", "manager", "no-lock", "parallel-delayed", "pi", "ping-pong",
        "pipe", "pool-map", "process-hello", "queue", "shared-memory", "sleeper", "start-methods", "stderr-exit",
        "stubborn-grandchild",
    ].map { Demo($0, summary: "", body: { _ in 0 }) }))

    static func main() {
        Fuzzer.run { input in
            let split = input.firstIndex(of: 0) ?? input.endIndex
            let source = Array(input[..<split])
            let tail = input[min(split + 1, input.endIndex)...]
            let onlyExistingBlocks = (tail.first ?? 0) % 2 == 0
            var chunks = tail.dropFirst().split(separator: 1, omittingEmptySubsequences: false).makeIterator()
            guard let lesson = try? parser.parse(source, path: "fuzz.md") else { return }

            var results: [CellResult] = []
            for cell in lesson.cells {
                var output = CapturedOutput()
                let printed = (Array(chunks.next() ?? []), Array(chunks.next() ?? []))
                if !onlyExistingBlocks || cell.expectedOutput != nil { output.stdout.bytes = printed.0 }
                if !onlyExistingBlocks || cell.expectedError != nil { output.stderr.bytes = printed.1 }
                results.append(CellResult(cellID: cell.id, status: .failed, output: output))
            }
            let acceptance = LessonAcceptance(LessonRunResult(lesson: lesson, results: results, duration: .zero))
            let accepted: Lesson
            do {
                accepted = try parser.parse(acceptance.source, path: "fuzz.md")
            } catch {
                Fuzzer.require(false, "the accepted lesson does not load: \(error)\n"
                    + String(decoding: acceptance.source, as: UTF8.self))
                return
            }
            Fuzzer.require(accepted.cells.map(\.id) == lesson.cells.map(\.id), "accepting changed the cells")

            for (cell, result) in zip(accepted.cells, results) {
                let mismatches = OutputCheck.mismatches(of: cell, output: result.output)
                Fuzzer.require(mismatches.isEmpty, "check fails after accept: \(mismatches)\n"
                    + String(decoding: acceptance.source, as: UTF8.self))
            }
            if onlyExistingBlocks {
                Fuzzer.require(outsideBlocks(lesson) == outsideBlocks(accepted),
                               "accepting changed bytes outside the output blocks:\n"
                                   + String(decoding: acceptance.source, as: UTF8.self))
            }
        }
    }

    /// The lesson's bytes without its cells' `output` and `stderr` blocks.
    static func outsideBlocks(_ lesson: Lesson) -> [UInt8] {
        let ranges = lesson.cells.flatMap { [$0.expectedOutput, $0.expectedError].compactMap { $0?.block.byteRange } }
            .sorted { $0.lowerBound < $1.lowerBound }
        var bytes: [UInt8] = []
        var position = 0
        for range in ranges where range.lowerBound >= position {
            bytes += lesson.source[position..<range.lowerBound]
            position = range.upperBound
        }
        return bytes + lesson.source[position...]
    }
}
