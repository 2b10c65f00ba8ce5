#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    /// CPython's `_TestSharedMemory`, for blocks with and without a name (see the README beside this file).
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

        // CPython: _TestSharedMemory.test_shared_memory_basics (the parts with names; pickling is a child's
        // arguments here, in `NamedSharedMemoryTests`)
        @Test
        func sharedMemoryBasicsByName() throws {
            let name = "test01_tsmb_\(getpid())"
            let sms = try SharedMemory(name: name, create: true, size: 512)
            defer { sms.close() }
            #expect(sms.name == name)
            #expect(sms.size >= 512)
            sms.withUnsafeMutableBytes { #expect($0.count >= sms.size) }
            #expect(sms.description.contains(name) && sms.description.contains(String(sms.size)))
            sms[0] = 42
            #expect(sms[0] == 42)

            // Attach to existing shared memory segment.
            let alsoSms = try SharedMemory(name: name)
            #expect(alsoSms[0] == 42)
            alsoSms.close()

            // Attach to existing shared memory segment but specify a new size.
            let sameSms = try SharedMemory(name: name, size: 20 * sms.size)
            #expect(sameSms.size < 20 * sms.size)  // Size was ignored.
            sameSms.close()

            // Creating Shared Memory Segment with -ve size
            expectCode(.invalidArgument) { _ = try SharedMemory(name: nil, create: true, size: -2) }
            // Attaching Shared Memory Segment without a name
            expectCode(.invalidArgument) { _ = try SharedMemory(name: nil, create: false) }

            // Posix Shared Memory can only be unlinked once.
            let nameDoubleUnlink = "test01_dblunlink_\(getpid())"
            let smsUno = try SharedMemory(name: nameDoubleUnlink, create: true, size: 5000)
            #expect(smsUno.size >= 5000)
            let smsDuo = try SharedMemory(name: nameDoubleUnlink)
            try smsDuo.unlink()  // First shm_unlink() call.
            smsDuo.close()
            smsUno.close()
            expectCode(.notFound) { try smsUno.unlink() }  // A second shm_unlink() call is bad.

            // Attempting to create a new shared memory segment with a name that is already in use.
            expectCode(.alreadyExists) { _ = try SharedMemory(name: name, create: true, size: 512) }

            // Attaching to a segment when no segment exists with the supplied name.
            expectCode(.notFound) { _ = try SharedMemory(name: "test01_notthere_\(getpid())") }

            try sms.unlink()
        }

        // CPython: _TestSharedMemory.test_invalid_shared_memory_creation
        @Test(arguments: [-1, 0])
        func invalidSharedMemoryCreation(size: Int) {
            expectCode(.invalidArgument) { _ = try SharedMemory(name: nil, create: true, size: size) }
            expectCode(.invalidArgument) { _ = try SharedMemory(size: size) }
        }

        // CPython: _TestSharedMemory.test_shared_memory_across_processes
        @Test(arguments: allMethods)
        func sharedMemoryAcrossProcesses(method: StartMethod) throws {
            let seen = try observe(SharedScenarios.memoryAcrossProcesses, method)
            #expect(seen == ["exitCode": "0", "bytes": "howdy"])
        }
    }
}
