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
