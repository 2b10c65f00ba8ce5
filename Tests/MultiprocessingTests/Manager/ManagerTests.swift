#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing
import MultiprocessingManagers
import MultiprocessingTestFunctions
import Testing

/// Whether a path exists.
private func exists(_ path: String) -> Bool {
    var information = stat()
    return stat(path, &information) == 0
}

private func socketDirectory(_ manager: Manager) -> String? {
    guard case .unix(let path) = manager.address else { return nil }
    return String(path.dropLast("/listener".count))
}

extension MultiprocessingSuite {
    struct ManagerTests {
        @Test
        func proxiesPrintAndBehaveAsPythonsAndTheDirectoryIsPrivate() throws {
            let context = workerContext(.spawn)
            var directory: String?
            try withManager(context: context) { manager in
                directory = socketDirectory(manager)
                var information = stat()
                #expect(stat(directory!, &information) == 0)
                #expect(information.st_mode & 0o777 == 0o700)

                let dict = try manager.dict()
                try dict.set(1, "1")
                try dict.set("2", 2)
                try dict.set(0.25, nil)
                #expect("\(dict)" == "{1: '1', '2': 2, 0.25: None}")
                #expect(try dict[1] == "1")
                #expect(try dict["missing"] == nil)
                #expect(try dict.count() == 3 && dict.contains("2") && !dict.contains(2))
                #expect(try dict.keys() == [1, "2", 0.25])
                #expect(try dict.removeValue(forKey: "2") == 2)
                #expect(try dict.items().map(\.key) == [1, 0.25])
                let missing = #expect(throws: MultiprocessingError.self) { try dict.value(forKey: "nope") }
                #expect(missing?.code == .remoteError && missing?.remoteDescription == "KeyError: 'nope'")

                let list: ListProxy<Int> = try manager.list([3, 1])
                try list.append(2)
                try list.extend([5, 4])
                try list.insert(0, at: 0)
                try list.remove(5)
                #expect("\(list)" == "[0, 3, 1, 2, 4]")
                try list.sort()
                #expect(try list.elements() == [0, 1, 2, 3, 4])
                try list.reverse()
                #expect(try list[0] == 4 && list[-1] == 0 && list.count() == 5 && list.contains(3))
                try list.set(0, 40)
                #expect(try list.pop() == 0)
                #expect("\(list)" == "[40, 3, 2, 1]")

                let typed: DictProxy<String, [String]> = try manager.dict(as: DictProxy<String, [String]>.self)
                try typed.set("names", ["a", "b"])
                #expect(try typed["names"] == ["a", "b"])

                let namespace = try manager.namespace()
                try namespace.set("x", 1)
                try namespace.set("name", "it's")
                try namespace.set("_hidden", true)
                #expect(try namespace.x == 1)
                // CPython: _TestNamespace.test_namespace — `_` attributes hidden, items sorted.
                #expect("\(namespace)" == "Namespace(name=\"it's\", x=1)")

                // CPython: _TestQueue.test_qsize / test_put with maxsize, _TestContainers.test_dict (popitem),
                // test_list (count, index).
                let bounded = try manager.queue(of: Int.self, maxsize: 2)
                try bounded.put(1)
                try bounded.put(2)
                #expect(try bounded.isFull() && bounded.qsize() == 2)
                let full = #expect(throws: MultiprocessingError.self) { try bounded.put(3, timeout: .milliseconds(50)) }
                #expect(full?.code == .full)
                #expect(try bounded.get() == 1)
                try bounded.put(3, timeout: .seconds(5))
                #expect(try !manager.queue(of: Int.self).isFull(), "a queue without maxsize is never full")

                let ordered: DictProxy<String, Int> = try manager.dict(as: DictProxy<String, Int>.self)
                try ordered.set("a", 1)
                try ordered.set("b", 2)
                #expect(try ordered.popItem() == ("b", 2) && ordered.count() == 1, "the last inserted first")
                _ = try ordered.popItem()
                let emptied = #expect(throws: MultiprocessingError.self) { try ordered.popItem() }
                #expect(emptied?.remoteDescription?.hasPrefix("KeyError") == true)

                let counted = try manager.list([5, 6, 5, 7])
                #expect(try counted.count(of: 5) == 2 && counted.index(of: 7) == 3)
                #expect(throws: MultiprocessingError.self) { try counted.index(of: 9) }

                let value = try manager.value(2.5)
                try value.set(try value.get() * 2)
                #expect(try value.value == 5.0)

                let queue = try manager.queue(of: String.self)
                try queue.put("a")
                #expect(try queue.qsize() == 1 && queue.get() == "a")
                let empty = #expect(throws: MultiprocessingError.self) { try queue.get(timeout: .milliseconds(20)) }
                #expect(empty?.code == .empty)

                let lock = try manager.lock()
                #expect(try lock.acquire())
                #expect(try !lock.acquire(timeout: .milliseconds(20)))
                try lock.release()
                let event = try manager.event()
                #expect(try !event.wait(timeout: .milliseconds(10)))
                try event.set()
                #expect(try event.isSet() && event.wait())
            }
            #expect(!exists(directory!))
        }

        @Test
        func proxiesAreUsedFromSeveralChildren() throws {
            let context = workerContext(.spawn)
            try withManager(context: context) { manager in
                let dict = try manager.dict()
                let list = try manager.list([Int]())
                let namespace = try manager.namespace()
                let children = (0..<3).map { index in
                    Process(target: ManagerTestFunctions.fillShared,
                            arguments: FillShared(dict: dict, list: list, namespace: namespace, index: index),
                            context: context)
                }
                for child in children { try child.start() }
                for child in children { #expect(try (1...3).contains(child.value(as: Int.self))) }
                #expect(try dict.count() == 3)
                #expect(try dict["child2"] == 2)
                try list.sort()
                #expect("\(list)" == "[0, 1, 2]")
                #expect(try [0, 1, 2].contains(namespace.last.unwrap(as: Int.self)))
            }
        }

        @Test
        func concurrentUpdatesUnderTheManagersLockAreExact() throws {
            let context = workerContext(.spawn)
            try withManager(context: context) { manager in
                let counter = try manager.value(0)
                let lock = try manager.lock()
                let children = (0..<3).map { _ in
                    Process(target: ManagerTestFunctions.lockedIncrement,
                            arguments: LockedIncrement(counter: counter, lock: lock, rounds: 200), context: context)
                }
                for child in children { try child.start() }
                for child in children { #expect(try child.value(as: Int.self) == 200) }
                #expect(try counter.get() == 600)
            }
        }

        @Test
        func aReplyThatComesAfterTheTimeoutIsNotTakenForTheNextCalls() throws {
            let context = workerContext(.spawn)
            let manager = try Manager(timeout: .milliseconds(100), context: context)
            defer { manager.shutdown() }
            let counter = try manager.make(ManagerTestFunctions.counterType, [10])
            let late = #expect(throws: MultiprocessingError.self) { try counter.call("slowTotal", 400) }
            #expect(late?.code == .timedOut)
            usleep(600_000)   // The late reply has arrived by now.
            #expect(try counter.call("add", 5) == 15)
            #expect(try counter.call("total") == 15)
        }

        @Test
        func aRegisteredTypeLivesOnTheServer() throws {
            let context = workerContext(.spawn)
            try withManager(context: context) { manager in
                let counter = try manager.make(ManagerTestFunctions.counterType, [10])
                let children = (0..<2).map { _ in
                    Process(target: ManagerTestFunctions.addToCounter,
                            arguments: AddToCounter(counter: counter, rounds: 50), context: context)
                }
                for child in children { try child.start() }
                for child in children { #expect(try child.value(as: Int.self) == 50) }
                #expect(try counter.call("total") == 110)
                #expect(try counter.call("add", 5) == 115)
                let failed = #expect(throws: MultiprocessingError.self) { try counter.call("fail") }
                #expect(failed?.code == .remoteError && failed?.remoteDescription == "the counter refused")
                let unknown = #expect(throws: MultiprocessingError.self) { try counter.call("nothing") }
                #expect(unknown?.remoteDescription?.contains("AttributeError") == true)
            }
        }

        @Test
        func aWrongAuthkeyIsRejected() throws {
            let context = workerContext(.spawn)
            try withManager(authkey: Array("secret".utf8), context: context) { manager in
                let error = #expect(throws: MultiprocessingError.self) {
                    _ = try Manager.connect(to: manager.address, authkey: Array("wrong".utf8))
                }
                #expect(error?.code == .authenticationFailed)
                #expect(error?.description.contains("rejected the authkey") == true)
                let right = try Manager.connect(to: manager.address, authkey: Array("secret".utf8))
                let dict = try right.dict()
                try dict.set("ok", true)
                #expect("\(dict)" == "{'ok': True}")
                right.shutdown()
            }
        }

        @Test
        func killingTheServerFailsCallsWithinASecond() throws {
            let context = workerContext(.spawn)
            let manager = try Manager(context: context)
            let directory = socketDirectory(manager)!
            let queue = try manager.queue(of: Int.self)
            let ready = try manager.event()
            let dict = try manager.dict()
            try dict.set("before", 1)
            let waiter = Process(target: ManagerTestFunctions.waitOnQueue,
                                 arguments: WaitOnQueue(queue: queue, ready: ready), context: context)
            try waiter.start()
            #expect(try ready.wait(timeout: .seconds(10)))
            usleep(50_000)  // The waiter is now blocked in get.
            kill(manager.pid!.rawValue, SIGKILL)

            let clock = ContinuousClock()
            let started = clock.now
            #expect(try waiter.value(as: String.self, timeout: .seconds(5)) == "managerGone")
            let error = #expect(throws: MultiprocessingError.self) { try dict.set("after", 2) }
            #expect(error?.code == .managerGone)
            #expect(started.duration(to: clock.now) < .seconds(1))
            manager.shutdown()
            #expect(!exists(directory))
            let afterShutdown = #expect(throws: MultiprocessingError.self) { try manager.dict() }
            #expect(afterShutdown?.code == .managerGone)
        }

        @Test
        func remoteUseOverLoopbackTCP() throws {
            let context = workerContext(.spawn)
            let key = Array("remote key".utf8)
            try withManager(address: .tcp(host: "127.0.0.1", port: 0), authkey: key, context: context) { manager in
                guard case .tcp(let host, let port) = manager.address else {
                    Issue.record("not a TCP address: \(manager.address)")
                    return
                }
                #expect(host == "127.0.0.1" && port > 0)
                let shared = try manager.dict(name: "shared", as: DictProxy<String, Int>.self)
                try shared.set("server", 0)
                let client = Process(target: ManagerTestFunctions.remoteClient,
                                     arguments: RemoteClient(address: manager.address, authkey: key),
                                     context: context)
                try client.start()
                #expect(try client.value(as: String.self) == "[\"remote\", \"server\"]")
                #expect(try shared["remote"] == 1)
                let wrong = #expect(throws: MultiprocessingError.self) {
                    _ = try Manager.connect(to: manager.address, authkey: Array("guess".utf8))
                }
                #expect(wrong?.code == .authenticationFailed)
            }
        }
    }
}
