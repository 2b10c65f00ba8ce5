import Multiprocessing
@testable import MultiprocessingManagers
import Testing

/// Addresses, timeouts and the values a client sends a manager: a bad one is an error (in the caller, or a
/// `ValueError` from the server), never a crash of either.
extension MultiprocessingSuite {
    struct ManagerArgumentTests {
        func expectInvalid(_ body: () throws -> Void) {
            let error = #expect(throws: MultiprocessingError.self) { try body() }
            #expect(error?.code == .invalidArgument, "\(String(describing: error))")
        }

        @Test
        func badAddressesAndTimeoutsAreRefusedBeforeAnythingStarts() {
            let key = Array("key".utf8)
            for address in [ManagerAddress.tcp(host: "127.0.0.1", port: 65536), .tcp(host: "127.0.0.1", port: -1),
                            .tcp(host: "127.0.0.1", port: Int.max), .tcp(host: "", port: 0), .tcp(host: "1\0", port: 0),
                            .unix(path: ""), .unix(path: "/tmp/a\0b")] {
                expectInvalid { _ = try Manager(address: address, authkey: key, context: workerContext(.spawn)) }
                expectInvalid { _ = try Manager.connect(to: address, authkey: key) }
            }
            expectInvalid { _ = try Manager(timeout: .zero, context: workerContext(.spawn)) }
            expectInvalid { _ = try Manager.connect(to: .tcp(host: "127.0.0.1", port: 1), authkey: key,
                                                    timeout: .seconds(-1)) }
        }

        @Test
        func negativeTimeoutsOfProxiesAreAnErrorAndAnyTimeoutTheServerSeesIsSafe() throws {
            try withManager(context: workerContext(.spawn)) { manager in
                let lock = try manager.lock()
                let queue = try manager.queue()
                let event = try manager.event()
                expectInvalid { _ = try lock.acquire(timeout: .seconds(-1)) }
                expectInvalid { _ = try queue.get(timeout: .milliseconds(-1)) }
                expectInvalid { _ = try lock.proxy.call("locked", arguments: [], waiting: .seconds(-1)) }
                #expect(try !event.wait(timeout: .seconds(-1)))
                #expect(try lock.acquire(timeout: .seconds(Int64.max)))
                try lock.release()
                // What another client could send: the server answers ValueError, or waits for ever, never crashes.
                for timeout: ManagedValue in [.double(.nan), .double(-.infinity), .double(-1), .int(Int.min)] {
                    let error = #expect(throws: MultiprocessingError.self) {
                        try lock.proxy.call("acquire", arguments: [true, timeout])
                    }
                    #expect(error?.remoteDescription?.hasPrefix("ValueError") == true)
                }
                for timeout: ManagedValue in [.double(.infinity), .double(1e300), .int(Int.max)] {
                    #expect(try lock.proxy.call("acquire", arguments: [true, timeout]) == .bool(true))
                    try lock.release()
                }
                #expect(try manager.value(1).get() == 1)
            }
        }

        @Test
        func theNewProxiesRefuseNegativeTimeoutsAndTheServerWhatOnlyAnotherClientCouldSend() throws {
            try withManager(context: workerContext(.spawn)) { manager in
                let semaphore = try manager.semaphore()
                let condition = try manager.condition()
                let barrier = try manager.barrier(parties: 2)
                let queue = try manager.joinableQueue(of: Int.self)
                expectInvalid { _ = try semaphore.acquire(timeout: .seconds(-1)) }
                expectInvalid { _ = try condition.acquire(timeout: .seconds(-1)) }
                expectInvalid { _ = try condition.wait(for: { false }, timeout: .seconds(-1)) }
                expectInvalid { _ = try barrier.wait(timeout: .seconds(-1)) }
                expectInvalid { _ = try queue.join(timeout: .seconds(-1)) }
                expectInvalid { _ = try manager.barrier(parties: 2, timeout: .seconds(-1)) }
                // Objects made from arguments a Swift caller cannot pass: Python's errors, and the server goes on.
                let refused: [(String, [ManagedValue], String)] = [
                    ("Semaphore", [-1], "ValueError"), ("BoundedSemaphore", ["2"], "TypeError"),
                    ("Barrier", [0], "ValueError"), ("Barrier", [2, .double(.nan)], "ValueError"),
                    ("Barrier", [], "TypeError"), ("Array", ["i", 3], "TypeError"),
                    ("Array", ["x", []], "ValueError"), ("Array", ["B", [256]], "OverflowError"),
                    ("Pool", [0], "ValueError"), ("Pool", ["two"], "TypeError"), ("Pool", [1_000_000], "ValueError"),
                ]
                for (typeid, arguments, expected) in refused {
                    let error = #expect(throws: MultiprocessingError.self) { try manager.create(typeid, arguments) }
                    #expect(error?.remoteDescription?.hasPrefix(expected) == true, "\(typeid)\(arguments)")
                }
                // A condition's notify of any count, a barrier's wait with a timeout of any size.
                try condition.withLock {
                    for count: ManagedValue in [.int(Int.min), .int(Int.max), 0] {
                        try condition.proxy.call("notify", arguments: [count])
                    }
                }
                try barrier.proxy.call("reset")
                #expect(try manager.value(1).get() == 1)
            }
        }

        @Test
        func theServerReadsTimeoutsSafely() throws {
            let arguments: [ManagedValue] = [.double(.nan), .double(1e300), .int(Int.max), .int(-1), .double(0.25), 3]
            #expect(throws: (any Error).self) { try arguments.timeout(0) }
            #expect(try arguments.timeout(1) == nil)
            #expect(try arguments.timeout(2) == nil)
            #expect(throws: (any Error).self) { try arguments.timeout(3) }
            #expect(try arguments.timeout(4) == .milliseconds(250))
            #expect(try arguments.timeout(5) == .seconds(3))
            #expect(try arguments.timeout(6) == nil)
        }
    }
}
