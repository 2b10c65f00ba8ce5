#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    struct SharedMemoryTests {
        @Test(arguments: runnerMethods)
        func aChildWritesTheParentsBlock(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let block = try SharedMemory(size: 10_000)
            #expect(block.size == 10_000 && block[9_999] == 0)
            for index in 0..<block.size { block[index] = UInt8(index % 251) }
            let child = Process(target: SynchronizationTestFunctions.invertBytes, arguments: block, context: context)
            try child.start()
            #expect(try child.value(as: Int.self, timeout: .seconds(10)) == 10_000)
            #expect(try block.bytes(in: 0..<3) == [255, 254, 253])
            #expect(block[9_999] == 255 - UInt8(9_999 % 251))
        }

        @Test
        func nothingAppearsUnderDevShmEvenWhenTheOwnerIsKilled() throws {
            let context = workerContext(.spawn)
            let before = sharedMemoryNames()
            let objects: [any Sendable] = [
                try SharedMemory(size: 1 << 20), try SharedArray<Int32>(0..<100), try SharedValue(1.0), try Lock(),
                try RLock(), try Semaphore(), try Event(), try Condition(), try Barrier(parties: 2),
                try Queue<Int>(),
            ]
            #expect(sharedMemoryNames() == before)
            let victim = Process(target: SynchronizationTestFunctions.dieHoldingMemory, arguments: 1 << 20,
                                 context: context)
            try victim.start()
            #expect(try victim.join(timeout: .seconds(10)))
            #expect(victim.exitCode == -SIGKILL)
            #expect(sharedMemoryNames() == before)
            #expect(objects.count == 10)
        }
    }
}

/// The names under /dev/shm, where Python's (named, POSIX) shared memory lives.
private func sharedMemoryNames() -> Set<String> {
    var names: Set<String> = []
    guard let directory = opendir("/dev/shm") else { return names }
    defer { closedir(directory) }
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        names.insert(name)
    }
    return names
}
