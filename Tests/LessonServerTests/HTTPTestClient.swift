import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A deliberately plain HTTP/1.1 client over a TCP socket to 127.0.0.1, so that tests can send what a browser never
/// would: a forged Host or Origin, no token, a body too large, headers that never end. Responses are read until
/// the server closes (`Connection: close`), or, for event streams, until a condition holds.
struct HTTPTestClient {
    let port: Int
    var cookie: String?

    struct Response {
        var status: Int
        var headers: [(String, String)]
        var body: String

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// A connected socket, closed when the value goes away.
    final class Connection {
        let descriptor: Int32
        private(set) var received: [UInt8] = []

        init(port: Int) throws {
            descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else { throw Failure(description: "socket: errno \(errno)") }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            // On failure the deinit closes the socket: a class whose init throws once it is whole is deinitialized.
            guard result == 0 else { throw Failure(description: "connect to 127.0.0.1:\(port): errno \(errno)") }
        }

        deinit { close(descriptor) }

        func send(_ bytes: [UInt8]) throws {
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes {
                    Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                }
                guard written > 0 else { throw Failure(description: "send: errno \(errno)") }
                offset += written
            }
        }

        /// Reads until `condition` holds for what was received, the peer closes, or `timeout` passes; returns
        /// whether the condition held.
        @discardableResult
        func read(timeout: Duration, until condition: ([UInt8]) -> Bool = { _ in false }) -> Bool {
            let clock = ContinuousClock()
            let deadline = clock.now + timeout
            var buffer = [UInt8](repeating: 0, count: 65536)
            while !condition(received) {
                let remaining = deadline - clock.now
                guard remaining > .zero else { return false }
                var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                let milliseconds = Int32(remaining.components.seconds * 1000
                    + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
                guard poll(&entry, 1, milliseconds) > 0 else { return condition(received) }
                let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                if count <= 0 { return condition(received) }
                received += buffer[..<count]
            }
            return true
        }

        var text: String { String(decoding: received, as: UTF8.self) }

        /// Whether the peer closed the connection within `timeout`; what it sent before is read on the way.
        func isClosedByPeer(timeout: Duration) -> Bool {
            let clock = ContinuousClock()
            let deadline = clock.now + timeout
            var buffer = [UInt8](repeating: 0, count: 65536)
            while clock.now < deadline {
                let remaining = deadline - clock.now
                var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                let milliseconds = Int32(remaining.components.seconds * 1000
                    + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
                guard poll(&entry, 1, milliseconds) > 0 else { return false }
                let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                if count == 0 { return true }
                if count < 0 { return errno == ECONNRESET }
                received += buffer[..<count]
            }
            return false
        }
    }

    /// The bytes of a request.
    func requestBytes(
        _ method: String, _ path: String, host: String? = nil, headers: [String: String] = [:], body: String? = nil
    ) -> [UInt8] {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: \(host ?? "127.0.0.1:\(port)")\r\nConnection: close\r\n"
        if let cookie { text += "Cookie: lessonrunner-token=\(cookie)\r\n" }
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { text += "\(name): \(value)\r\n" }
        if let body { text += "Content-Length: \(body.utf8.count)\r\n" }
        text += "\r\n" + (body ?? "")
        return Array(text.utf8)
    }

    /// Sends a request and reads the whole response.
    func request(
        _ method: String, _ path: String, host: String? = nil, headers: [String: String] = [:], body: String? = nil,
        timeout: Duration = .seconds(10)
    ) throws -> Response {
        let connection = try Connection(port: port)
        try connection.send(requestBytes(method, path, host: host, headers: headers, body: body))
        connection.read(timeout: timeout)
        return try Self.parse(connection.received)
    }

    /// A POST from the server's own page: its Origin and a JSON body.
    func post(_ path: String, json: String, origin: String? = nil) throws -> Response {
        try request("POST", path, headers: [
            "Origin": origin ?? "http://127.0.0.1:\(port)", "Content-Type": "application/json",
        ], body: json)
    }

    /// Opens an event stream and returns the connection, already reading.
    func openEvents(lesson: String?) throws -> Connection {
        let connection = try Connection(port: port)
        let query = lesson.map { "?lesson=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0) }
        try connection.send(requestBytes("GET", "/events" + (query ?? "")))
        return connection
    }

    /// Opens the event stream at `path` (as a page's `data-events` names it) and returns the connection.
    func openEvents(path: String) throws -> Connection {
        let connection = try Connection(port: port)
        try connection.send(requestBytes("GET", path))
        return connection
    }

    static func parse(_ bytes: [UInt8]) throws -> Response {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let headerEnd = text.range(of: "\r\n\r\n") else { throw Failure(description: "no response: \(text)") }
        let lines = text[..<headerEnd.lowerBound].components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw Failure(description: "bad status line: \(lines[0])")
        }
        let headers = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let body = String(decoding: bodySoFar(bytes), as: UTF8.self)
        return Response(status: status, headers: headers, body: body)
    }

    /// A chunked body's data, as far as whole chunks were received.
    static func dechunked(_ body: String) -> String {
        String(decoding: dechunked(Array(body.utf8)), as: UTF8.self)
    }

    static func dechunked(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var index = 0
        while let lineEnd = firstCRLF(in: bytes, from: index) {
            guard let size = Int(String(decoding: bytes[index..<lineEnd], as: UTF8.self), radix: 16), size > 0,
                lineEnd + 2 + size <= bytes.count
            else { break }
            result += bytes[(lineEnd + 2)..<(lineEnd + 2 + size)]
            index = lineEnd + 2 + size + 2
            if index > bytes.count { break }
        }
        return result
    }

    private static func firstCRLF(in bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == 13 && bytes[index + 1] == 10 { return index }
            index += 1
        }
        return nil
    }

    /// The body of a response received so far (headers removed, chunks joined).
    static func bodySoFar(_ received: [UInt8]) -> [UInt8] {
        guard let end = firstCRLF2(in: received) else { return [] }
        let headers = String(decoding: received[..<end], as: UTF8.self).lowercased()
        let body = Array(received[(end + 4)...])
        return headers.contains("transfer-encoding: chunked") ? dechunked(body) : body
    }

    private static func firstCRLF2(in bytes: [UInt8]) -> Int? {
        var index = 0
        while index + 3 < bytes.count {
            if bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
                return index
            }
            index += 1
        }
        return nil
    }
}

/// Server-sent events in what a stream received so far: each event's name and its JSON data, decoded.
func serverEvents(in received: [UInt8]) -> [(name: String, data: [String: Any])] {
    let text = String(decoding: HTTPTestClient.bodySoFar(received), as: UTF8.self)
    var events: [(String, [String: Any])] = []
    for block in text.components(separatedBy: "\n\n") {
        var name = "message"
        var data = ""
        for line in block.split(separator: "\n") {
            if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
            if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
        }
        guard !data.isEmpty, let object = try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any]
        else { continue }
        events.append((name, object))
    }
    return events
}
