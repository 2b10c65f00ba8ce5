#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims
import Multiprocessing
@testable import MultiprocessingManagers
import MultiprocessingTestFunctions
import Testing

/// A raw TCP client of a manager that has not authenticated: it sends what a test tells it, and reads what the
/// server sends back. Closed by ``close()`` (every test closes each one it opened).
private struct RawClient {
    let descriptor: Int32

    init(_ address: ManagerAddress) throws {
        guard case .tcp(let host, let port) = address else { throw MultiprocessingError(.invalidState, "not TCP") }
        descriptor = lx_connect_tcp(host, Int32(port))
        guard descriptor >= 0 else { throw MultiprocessingError(.systemCallFailed, "cannot connect") }
    }

    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads until end of file or `timeout`; the bytes, and whether end of file (or a reset) came.
    func readUntilClosed(timeout: Duration) -> (bytes: [UInt8], closed: Bool) {
        let deadline = ContinuousClock.now + timeout
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < deadline {
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 50) > 0 else { continue }
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { return (bytes, true) }
            bytes += buffer[..<count]
        }
        return (bytes, false)
    }

    func close() { _ = Glibc.close(descriptor) }
}

/// `VmPeak` or `Threads` of process `pid`, from `/proc/PID/status` (kB for sizes).
private func status(_ field: String, of pid: Int32) -> Int? {
    guard let file = fopen("/proc/\(pid)/status", "r") else { return nil }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, Int32(line.count), file) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.hasPrefix(field + ":") { return Int(text.dropFirst(field.count + 1).filter(\.isNumber)) }
    }
    return nil
}

extension MultiprocessingSuite {
    /// A TCP manager before authentication: what a client that does not know the key can make the server do is
    /// bounded in time, memory, threads and descriptors, and never stops it from serving clients that do.
    struct ManagerHandshakeTests {
        static let key = Array("handshake key".utf8)

        /// A TCP manager on 127.0.0.1 whose server bounds handshakes by `limits`, shut down after `body`.
        func withTCPManager(_ limits: ManagerHandshakeLimits, _ body: (Manager) throws -> Void) throws {
            let manager = try Manager(address: .tcp(host: "127.0.0.1", port: 0), authkey: Self.key,
                                      timeout: .seconds(10), context: workerContext(.spawn), handshake: limits)
            defer { manager.shutdown() }
            try body(manager)
        }

        /// An authenticated client's round trip still works.
        func expectServes(_ manager: Manager) throws {
            let other = try Manager.connect(to: manager.address, authkey: Self.key)
            defer { other.shutdown() }
            let value = try other.value(7)
            #expect(try value.get() == 7)
        }

        @Test
        func aClientThatSendsNothingIsClosedAfterTheTimeoutAndOthersAreServedMeanwhile() throws {
            try withTCPManager(ManagerHandshakeLimits(timeout: .milliseconds(500))) { manager in
                let silent = try RawClient(manager.address)
                defer { silent.close() }
                try expectServes(manager)
                let start = ContinuousClock.now
                let (bytes, closed) = silent.readUntilClosed(timeout: .seconds(5))
                #expect(closed)
                #expect(ContinuousClock.now - start < .seconds(3))
                let challenge = ManagerAuthentication.challengePrefix.count + ManagerAuthentication.nonceSize
                #expect(bytes.count == 4 + challenge)
                try expectServes(manager)
            }
        }

        @Test
        func garbageIsRefusedAtOnce() throws {
            try withTCPManager(ManagerHandshakeLimits(timeout: .seconds(30))) { manager in
                // A well-framed answer of the right size with the wrong code: told, then closed.
                let wrong = try RawClient(manager.address)
                defer { wrong.close() }
                wrong.send([64, 0, 0, 0] + [UInt8](repeating: 0x5a, count: 64))
                let (reply, closed) = wrong.readUntilClosed(timeout: .seconds(5))
                #expect(closed)
                #expect(reply.suffix(ManagerAuthentication.failure.count) == ManagerAuthentication.failure[...])
                // Bytes that are no frame at all, then end of file.
                let junk = try RawClient(manager.address)
                defer { junk.close() }
                junk.send(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
                shutdown(junk.descriptor, Int32(SHUT_WR))
                #expect(junk.readUntilClosed(timeout: .seconds(5)).closed)
                try expectServes(manager)
            }
        }

        @Test
        func aHugeClaimedLengthIsRefusedWithoutAllocatingIt() throws {
            try withTCPManager(ManagerHandshakeLimits(timeout: .seconds(30))) { manager in
                let pid = try #require(manager.pid).rawValue
                let peakBefore = try #require(status("VmPeak", of: pid))
                for _ in 0..<4 {
                    let greedy = try RawClient(manager.address)
                    defer { greedy.close() }
                    greedy.send([0xff, 0xff, 0xff, 0xff, 1, 2, 3])
                    // Closed at once: long before the 30 s the handshake may take.
                    #expect(greedy.readUntilClosed(timeout: .seconds(5)).closed)
                }
                let peakAfter = try #require(status("VmPeak", of: pid))
                #expect(peakAfter - peakBefore < 256 * 1024,
                        "the server's peak grew from \(peakBefore) to \(peakAfter) kB")
                try expectServes(manager)
            }
        }

        @Test
        func hundredsOfIdleConnectionsDoNotLockOutAnAuthenticClient() throws {
            try withTCPManager(ManagerHandshakeLimits(timeout: .seconds(30), maximumPending: 16)) { manager in
                let pid = try #require(manager.pid).rawValue
                var idle: [RawClient] = []
                defer { idle.forEach { $0.close() } }
                for _ in 0..<300 { idle.append(try RawClient(manager.address)) }
                try expectServes(manager)
                // Only so many wait in the handshake, each with a thread: the oldest were closed. The threads of
                // closed ones end on their own time, which under load can lag behind the close.
                var threads = 0
                #expect(try eventually { threads = try #require(status("Threads", of: pid)); return threads < 16 + 8 },
                        "the server runs \(threads) threads")
                #expect(idle.prefix(200).allSatisfy { $0.readUntilClosed(timeout: .seconds(5)).closed })
                try expectServes(manager)
            }
        }
    }
}
