#if canImport(Glibc)
import Glibc
#endif
import LessonTestSupport
import Multiprocessing
import MultiprocessingTestFunctions
import SystemPackage
import Testing

/// Resources put in a ``Queue``: their descriptors wait in the queue's own socket until an item is taken.
extension MultiprocessingSuite {
    struct QueueResourceTests {
        @Test
        func resourcesTravelInAQueueAndWork() throws {
            try expectNoDescriptorLeak {
                let queue = try Queue<Resources>()
                let (mine, theirs) = try Pipe()
                let sent = Resources(lock: try Lock(), queue: try Queue<Int>(), connection: theirs,
                                     array: try SharedArray([1, 2], lock: false))
                try queue.put(sent)
                #expect(theirs.isClosed, "a connection put in a queue moves")
                try queue.get(timeout: .seconds(5)).use()
                #expect(sent.array[0] == 42)
                #expect(try sent.queue.get(timeout: .seconds(5)) == 7)
                #expect(try mine.recv(String.self) == "hello")
            }
        }

        @Test
        func itemsWithAndWithoutDescriptorsKeepTheirOrder() throws {
            try expectNoDescriptorLeak {
                let queue = try Queue<[SharedValue<Int32>]>()
                let values = try (0..<70).map { try SharedValue<Int32>(Int32($0), lock: false) }
                try queue.put([])
                try queue.put(values)
                try queue.put(Array(values[3..<5]))
                try queue.put([])
                #expect(try queue.get().isEmpty)
                #expect(try queue.get().map(\.value) == Array(0..<70))
                #expect(try queue.get().map(\.value) == [3, 4])
                #expect(try queue.get().isEmpty)
                // Items left in a queue that goes away are closed with it.
                try queue.put(values)
            }
        }

        @Test(arguments: runnerMethods)
        func aChildUsesResourcesItGetsFromAQueue(method: StartMethod) throws {
            defer { finishMethod(method) }
            let context = workerContext(method)
            let queue = try Queue<Resources>()
            let children = try (0..<2).map { _ in
                let child = Process(target: ResourceTestFunctions.useFromQueue, arguments: queue, context: context)
                try child.start()
                return child
            }
            var ends: [Connection] = []
            let arrays = try (0..<2).map { _ in try SharedArray<Int32>([0], lock: false) }
            let inner = try Queue<Int>()
            for array in arrays {
                let (mine, theirs) = try Pipe()
                ends.append(mine)
                try queue.put(Resources(lock: try Lock(), queue: inner, connection: theirs, array: array))
            }
            for child in children {
                #expect(try child.join(timeout: .seconds(20)))
                #expect(child.exitCode == 0)
            }
            #expect(arrays.map { $0[0] } == [42, 42])
            #expect(try [inner.get(timeout: .seconds(5)), inner.get(timeout: .seconds(5))] == [7, 7])
            for end in ends { #expect(try end.recv(String.self) == "hello") }
        }

        @Test(arguments: runnerMethods)
        func manyProducersAndConsumersShareOneQueueOfResources(method: StartMethod) throws {
            defer { finishMethod(method) }
            let context = workerContext(method)
            // A small ring and many items: producers wait for room, and parked descriptors pile up.
            let queue = try Queue<SharedValue<Int64>>(maxsize: 16)
            let values = try (0..<3).map { _ in try SharedValue<Int64>(0) }
            let perProducer = 60
            let producers = values.map { value in
                Process(target: ResourceTestFunctions.putValue, arguments: Pair(queue, Pair(value, perProducer)),
                        context: context)
            }
            let consumers = (0..<3).map { _ in
                Process(target: ResourceTestFunctions.incrementFromQueue, arguments: Pair(queue, perProducer),
                        context: context)
            }
            for process in consumers + producers { try process.start() }
            for process in producers + consumers {
                #expect(try process.join(timeout: .seconds(60)))
                #expect(process.exitCode == 0)
            }
            #expect(values.map(\.value) == [Int64(perProducer), Int64(perProducer), Int64(perProducer)])
            #expect(queue.isEmpty)
        }

        @Test(arguments: runnerMethods)
        func resourcesOutliveTheProcessThatPutThem(method: StartMethod) throws {
            defer { finishMethod(method) }
            let context = workerContext(method)
            let queue = try Queue<Resources>()
            let child = Process(target: ResourceTestFunctions.sendFreshThroughQueue, arguments: queue, context: context)
            try child.start()
            #expect(try child.join(timeout: .seconds(20)))
            #expect(child.exitCode == 0)
            try expectNoDescriptorLeak {
                let received = try queue.get(timeout: .seconds(5))
                #expect(received.array[0] == 99)
                #expect(try received.queue.get(timeout: .seconds(5)) == 5)
                #expect(try received.connection.recv(String.self) == "from the sender")
                let error = #expect(throws: MultiprocessingError.self) { _ = try received.connection.recv(String.self) }
                #expect(error?.code == .endOfFile)
            }
        }

        /// Nothing in the design names a process: inside a PID namespace of its own, the worker executable's first
        /// process gets resources from a queue and a pipe whose senders have exited.
        @Test(arguments: runnerMethods)
        func resourcesFromExitedSendersInsideAPIDNamespace(method: StartMethod) throws {
            var configuration = SpawnConfiguration(
                executable: BuiltExecutables.productsFolder.appending("multiprocessing-test-worker"),
                arguments: ["resources-from-exited-senders", method.rawValue])
            configuration.standardOutput = .pipe
            let container = try ProcessContainer.spawn(configuration, containment: .pidNamespace)
            #expect(container.containment == .pidNamespace)
            let output = try readAll(try #require(container.root.takeStandardOutput()))
            #expect(try container.root.wait(timeout: .seconds(30)) == .exited(0))
            #expect(output == "99 5 from the sender\n99 5 from the sender\n")
            _ = try container.terminateAll(grace: .seconds(1))
        }

        @Test
        func aQueueFullOfParkedDescriptorsSaysSoWithoutBlocking() throws {
            try expectNoDescriptorLeak {
                let queue = try Queue<Lock>()
                let lock = try Lock()
                var put = 0
                var failure: MultiprocessingError?
                while put < 20_000 {
                    do throws(MultiprocessingError) {
                        try queue.put(lock, block: false)
                        put += 1
                    } catch {
                        failure = error
                        break
                    }
                }
                #expect(failure?.code == .full)
                #expect(put > 10)
                _ = try queue.get()
                try queue.put(lock, timeout: .seconds(5))
                let error = #expect(throws: MultiprocessingError.self) {
                    try queue.put(lock, timeout: .milliseconds(30))
                }
                #expect(error?.code == .full)
                for _ in 0..<put { _ = try queue.get(block: false) }
                #expect(queue.isEmpty)
            }
        }
    }
}
