import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    /// CPython's `_TestSharedMemory`, for blocks without a name (see the README beside this file).
    struct SharedMemoryConformance {
        // CPython: _TestSharedMemory.test_shared_memory_basics
        @Test
        func sharedMemoryBasics() throws {
            let memory = try SharedMemory(size: 512)
            #expect(memory.size >= 512)
            memory.withUnsafeMutableBytes { #expect($0.count >= 512) }
            memory[0] = 42
            #expect(memory[0] == 42)
            memory.withUnsafeMutableBytes { buffer in
                for (index, byte) in "howdy".utf8.enumerated() { buffer[index] = byte }
            }
            #expect(try memory.bytes(in: 0..<5) == Array("howdy".utf8))
        }

        // CPython: _TestSharedMemory.test_shared_memory_across_processes
        @Test(arguments: allMethods)
        func sharedMemoryAcrossProcesses(method: StartMethod) throws {
            let seen = try observe(SharedScenarios.memoryAcrossProcesses, method)
            #expect(seen == ["exitCode": "0", "bytes": "howdy"])
        }
    }
}
