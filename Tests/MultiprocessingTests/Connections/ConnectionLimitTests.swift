#if canImport(Glibc)
import Glibc
#endif
@testable import Multiprocessing
import SystemPackage
import Testing

/// Receiving from a peer that is not trusted yet: a claimed length beyond the limit is refused before anything is
/// allocated for it, and a message that trickles in is given up at the deadline.
extension MultiprocessingSuite {
    struct ConnectionLimitTests {
        /// A connection over one end of a socket pair, and the other end's raw descriptor.
        func socketPair() throws -> (Connection, Int32) {
            var ends: [Int32] = [-1, -1]
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
                throw MultiprocessingError(.systemCallFailed, "socketpair")
            }
            return (Connection(descriptor: FileDescriptor(rawValue: ends[0]), readable: true, writable: true,
                               isSocket: true), ends[1])
        }

        func write(_ bytes: [UInt8], to descriptor: Int32) {
            _ = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }

        @Test
        func aClaimedLengthBeyondTheLimitIsRefusedAtOnce() throws {
            let (connection, peer) = try socketPair()
            defer { connection.close(); close(peer) }
            write([0xff, 0xff, 0xff, 0xff, 1], to: peer)
            let start = ContinuousClock.now
            let error = #expect(throws: MultiprocessingError.self) {
                _ = try connection.recvBytes(limit: 64, timeout: .seconds(30))
            }
            #expect(error?.code == .messageTooLarge)
            #expect(ContinuousClock.now - start < .seconds(5))
        }

        @Test
        func aMessageWithinTheLimitArrives() throws {
            let (connection, peer) = try socketPair()
            defer { connection.close(); close(peer) }
            write([3, 0, 0, 0, 7, 8, 9], to: peer)
            #expect(try connection.recvBytes(limit: 3, timeout: .seconds(5)) == [7, 8, 9])
        }

        @Test
        func aTricklingMessageTimesOut() throws {
            let (connection, peer) = try socketPair()
            defer { connection.close(); close(peer) }
            write([10, 0, 0, 0, 1], to: peer)
            let start = ContinuousClock.now
            let error = #expect(throws: MultiprocessingError.self) {
                _ = try connection.recvBytes(limit: 64, timeout: .milliseconds(200))
            }
            #expect(error?.code == .timedOut)
            #expect(ContinuousClock.now - start < .seconds(5))
        }
    }
}
