#if canImport(Glibc)
import Glibc
#endif
import FuzzSupport
@testable import Multiprocessing
@testable import MultiprocessingManagers
import SystemPackage

/// What a manager's server reads from the network: before authentication, whatever a client sends in answer to
/// the challenge; after it, requests, which the server decodes and runs on its objects.
///
/// The first byte chooses. Even: the rest is what a client sends on a fresh connection (as raw bytes, frames and
/// all), and the server's side of the handshake must refuse it quickly, whatever it is. Odd: the rest is a
/// sequence of request frames (2-byte little-endian length, then a ``ManagerRequest``), run in turn on a new
/// server's objects, as an authenticated client's would be; each either runs or fails with a reply, and a reply always encodes.
@main
enum FuzzManagerProtocol {
    static let key = Array("fuzzing key".utf8)

    /// Recorded exchanges: answers a client could send, and authenticated clients' requests.
    static var seeds: [[UInt8]] {
        func frame(_ payload: [UInt8]) -> [UInt8] {
            withUnsafeBytes(of: UInt32(payload.count).littleEndian) { Array($0) } + payload
        }
        func requests(_ list: [ManagerRequest]) -> [UInt8] {
            [1] + list.flatMap { request -> [UInt8] in
                let bytes = request.encoded()
                return [UInt8(bytes.count & 0xff), UInt8(bytes.count >> 8)] + bytes
            }
        }
        let answer = [UInt8](repeating: 0xab, count: ManagerAuthentication.answerSize)
        return [
            [0] + frame(answer),
            [0] + frame(Array(answer.prefix(10))),
            [0] + [0xff, 0xff, 0xff, 0x7f] + answer,
            [0] + frame(answer) + frame(ManagerRequest(object: 0, method: "create", arguments: ["dict", nil, []])
                .encoded()),
            [0],
            requests([
                ManagerRequest(object: 0, method: "create", arguments: ["dict", "shared", [.list([.int(1)])]]),
                ManagerRequest(object: 1, method: "__setitem__", arguments: ["k", 3]),
                ManagerRequest(object: 1, method: "get", arguments: ["k", .none]),
                ManagerRequest(object: 0, method: "typeid", arguments: [1]),
            ]),
            requests([
                ManagerRequest(object: 0, method: "create", arguments: ["list", .none, [.list([1, 2, 3])]]),
                ManagerRequest(object: 1, method: "insert", arguments: [-1, "x"]),
                ManagerRequest(object: 1, method: "pop", arguments: [-2]),
                ManagerRequest(object: 1, method: "__getitem__", arguments: [5]),
                ManagerRequest(object: 1, method: "sort", arguments: [true]),
            ]),
            requests([
                ManagerRequest(object: 0, method: "create", arguments: ["Lock", .none, []]),
                ManagerRequest(object: 1, method: "acquire", arguments: [false, 0.5]),
                ManagerRequest(object: 1, method: "release", arguments: []),
                ManagerRequest(object: 0, method: "create", arguments: ["Queue", .none, []]),
                ManagerRequest(object: 2, method: "put", arguments: [1]),
                ManagerRequest(object: 2, method: "get", arguments: [false, 1e300]),
                ManagerRequest(object: 0, method: "create", arguments: ["Value", .none, [1.5]]),
                ManagerRequest(object: 3, method: "__getattr__", arguments: ["value"]),
                ManagerRequest(object: 0, method: "create", arguments: ["Event", .none, []]),
                ManagerRequest(object: 4, method: "set", arguments: []),
            ]),
            requests([
                ManagerRequest(object: 0, method: "create", arguments: ["BoundedSemaphore", .none, [2]]),
                ManagerRequest(object: 1, method: "acquire", arguments: [false]),
                ManagerRequest(object: 1, method: "release", arguments: [2]),
                ManagerRequest(object: 0, method: "create", arguments: ["Condition", .none, []]),
                ManagerRequest(object: 2, method: "acquire", arguments: [false, 0.1]),
                ManagerRequest(object: 2, method: "notify", arguments: [3]),
                ManagerRequest(object: 2, method: "release", arguments: []),
                ManagerRequest(object: 0, method: "create", arguments: ["Barrier", .none, [3, 0.5]]),
                ManagerRequest(object: 3, method: "n_waiting", arguments: []),
                ManagerRequest(object: 3, method: "abort", arguments: []),
                ManagerRequest(object: 3, method: "reset", arguments: []),
            ]),
            requests([
                ManagerRequest(object: 0, method: "create", arguments: ["Array", .none, ["i", .list([5, 6])]]),
                ManagerRequest(object: 1, method: "__setitem__", arguments: [-1, .int(1 << 40)]),
                ManagerRequest(object: 1, method: "__getitem__", arguments: [1]),
                ManagerRequest(object: 0, method: "create", arguments: ["JoinableQueue", .none, [1]]),
                ManagerRequest(object: 2, method: "put", arguments: [1, false]),
                ManagerRequest(object: 2, method: "task_done", arguments: []),
                ManagerRequest(object: 2, method: "task_done", arguments: []),
                ManagerRequest(object: 0, method: "create", arguments: ["RLock", .none, []]),
                ManagerRequest(object: 3, method: "acquire", arguments: [false]),
                ManagerRequest(object: 3, method: "acquire", arguments: [false]),
                ManagerRequest(object: 3, method: "release", arguments: []),
            ]),
        ]
    }

    static func main() {
        Fuzzer.run(seeds: seeds) { input in
            guard let selector = input.first else { return }
            let rest = Array(input.dropFirst())
            if selector % 2 == 0 { handshake(rest) } else { requests(rest) }
        }
    }

    /// The server's side of the challenge against `bytes` from a client that then closes its end.
    static func handshake(_ bytes: [UInt8]) {
        var ends: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
            fatalError("socketpair: \(errno)")
        }
        defer { close(ends[1]) }
        _ = bytes.withUnsafeBytes { send(ends[1], $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        shutdown(ends[1], Int32(SHUT_WR))
        let server = Connection(descriptor: FileDescriptor(rawValue: ends[0]), readable: true, writable: true,
                                isSocket: true)
        defer { server.close() }
        let start = ContinuousClock.now
        let accepted = ManagerAuthentication.deliverChallenge(
            server, key: key, limits: ManagerHandshakeLimits(timeout: .seconds(1)))
        Fuzzer.require(!accepted, "a client that never saw the challenge was authenticated")
        Fuzzer.require(ContinuousClock.now - start < .seconds(2), "the handshake outlived its time limit")
    }

    /// Request frames run on a new server's objects.
    static func requests(_ bytes: [UInt8]) {
        let server = ManagerServer(authkey: key)
        var offset = 0
        while bytes.count - offset >= 4 {
            let length = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
            offset += 2
            let frame = Array(bytes[offset..<min(offset + length, bytes.count)])
            offset += frame.count
            guard let request = frame.withUnsafeBufferPointer({ try? ManagerRequest(decoding: $0) }) else { continue }
            // Timeouts as the server reads them, whatever the client sent.
            for index in request.arguments.indices { _ = try? request.arguments.timeout(index) }
            // A blocking call would wait for another client that never comes: only non-blocking ones run.
            if ["get", "acquire"].contains(request.method) && request.arguments.first != .bool(false) { continue }
            if request.method == "put" && (request.arguments.count < 2 || request.arguments[1] != .bool(false)) {
                continue
            }
            if ["wait", "join"].contains(request.method) { continue }
            // A pool starts processes: not in a fuzz target.
            if request.object == 0 && request.method == "create" && request.arguments.first == "Pool" { continue }
            let reply: ManagerReply
            do {
                reply = .value(try server.monitor.withLock { try server.dispatch(request) })
            } catch {
                reply = .failure("\(error)")
            }
            let encoded = reply.encoded()
            Fuzzer.require(encoded.withUnsafeBufferPointer { (try? ManagerReply(decoding: $0)) != nil },
                           "a reply does not read back")
        }
    }
}
