@testable import LessonRunner
import LessonTestSupport
import Multiprocessing
import SystemPackage
import Testing

@Suite("ResultCache")
struct ResultCacheTests {
    static let demos = DemoRegistry(["hello", "other"].map { Demo($0, summary: "") { _ in 0 } })

    func cell(_ info: String) throws -> Cell {
        try LessonParser(demos: Self.demos).parse(Array("```swift \(info)\n```\n".utf8), path: "l.md").cells[0]
    }

    @Test func anEntryReadsBackAsItWasWritten() throws {
        var output = CapturedOutput()
        output.append(Array("out\n".utf8), from: .stdout, limit: 100)
        output.append(Array("err\n\n".utf8), from: .stderr, limit: 100)
        output.append(Array("more\u{0}\u{FF}".utf8), from: .stdout, limit: 6)
        let execution = DemoExecution(
            output: output, termination: .signaled(.illegalInstruction), timedOut: true, timeout: .milliseconds(300),
            duration: .microseconds(1234), strayProcessesEnded: 2, launchFailure: nil, processID: 42)
        let decoded = try #require(CacheEntry.decode(CacheEntry.encode(execution)))
        #expect(decoded.output == execution.output)
        #expect(decoded.output.stdout.droppedByteCount == 5)
        #expect(decoded.termination == .signaled(.illegalInstruction))
        #expect(decoded.timedOut && decoded.timeout == .milliseconds(300))
        #expect(decoded.duration == .microseconds(1234) && decoded.strayProcessesEnded == 2)
        #expect(CacheEntry.decode(Array("lesson-cache-entry 1\nstdout=5,0\n\nabc".utf8)) == nil, "a cut entry is no entry")
        #expect(CacheEntry.decode([]) == nil)
    }

    @Test func theKeyChangesWithEverythingThatShapesTheRun() throws {
        let folder = try TemporaryFolder()
        let cache = try ResultCache(
            folder: folder.path.appending("cache"), executor: CellExecutor(executable: BuiltExecutables.fixtures))
        let base = try cache.key(for: cell("demo=hello args=\"a b\""))
        #expect(base.count == 64)
        #expect(try cache.key(for: cell("demo=hello args=\"a b\" id=another")) == base, "the id does not matter")
        #expect(try cache.key(for: cell("demo=hello args=\"a b\"")) == base)
        for changed in ["demo=other args=\"a b\"", "demo=hello args=\"a  b c\"", "demo=hello args=\"'a b'\"",
                        "demo=hello args=\"a b\" timeout=5s", "demo=hello args=\"a b\" expect=failure"] {
            #expect(try cache.key(for: cell(changed)) != base, "\(changed)")
        }
        let otherBinary = try ResultCache(
            folder: folder.path.appending("cache"), executor: CellExecutor(executable: BuiltExecutables.lesson))
        #expect(try otherBinary.key(for: cell("demo=hello args=\"a b\"")) != base)
        let withIdentity = try ResultCache(
            folder: folder.path.appending("cache"), executor: CellExecutor(executable: BuiltExecutables.fixtures),
            demoIdentity: { "source of \($0), version 2" })
        #expect(try withIdentity.key(for: cell("demo=hello args=\"a b\"")) != base, "the demo's own code counts")
    }
}

@Suite("Shard")
struct ShardTests {
    @Test func dealsSortedItemsOutInTurn() throws {
        let items = ["e", "a", "d", "b", "c"]
        let first = try #require(Shard("1/2"))
        let second = try #require(Shard("2/2"))
        #expect(first.select(items, path: { $0 }) == ["a", "c", "e"])
        #expect(second.select(items, path: { $0 }) == ["b", "d"])
        #expect(Shard("1/1")?.select(items, path: { $0 }) == ["a", "b", "c", "d", "e"])
        for bad in ["0/2", "3/2", "1/0", "1", "a/b", "1/2/3", ""] { #expect(Shard(bad) == nil, "\(bad)") }
    }
}
