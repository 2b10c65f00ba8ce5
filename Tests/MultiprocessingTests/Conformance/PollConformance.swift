import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    /// CPython's `_TestPoll`.
    struct PollConformance {
        // CPython: _TestPoll.test_empty_string
        @Test
        func emptyString() throws {
            let (a, b) = try Pipe()
            #expect(try !a.poll())
            try b.sendBytes([])
            #expect(try a.poll())
            #expect(try a.poll())
            #expect(try a.recvBytes() == [])
        }

        // CPython: _TestPoll.test_strings
        @Test(arguments: allMethods)
        func strings(method: StartMethod) throws {
            let seen = try observe(ConnectionScenarios.strings, method)
            #expect(seen == ["received": "true", "exitCode": "0"])
        }

        // CPython: _TestPoll.test_dont_merge
        @Test
        func dontMerge() throws {
            let (a, b) = try Pipe()
            #expect(try !a.poll(timeout: .zero))
            #expect(try !b.poll(timeout: .zero))
            try b.sendBytes(Array("a".utf8))
            #expect(try a.poll(timeout: .seconds(1)))
            try b.sendBytes(Array("b".utf8))
            try b.sendBytes(Array("cd".utf8))
            #expect(try a.recvBytes() == Array("a".utf8))
            #expect(try a.poll(timeout: .seconds(1)))
            #expect(try a.recvBytes() == Array("b".utf8))
            #expect(try a.recvBytes() == Array("cd".utf8))
            #expect(try !a.poll(timeout: .zero))
        }
    }
}
