/// How the `lesson` tool asks a demo host that serves cells (``CellServer``) to fork one.
///
/// The host is started with ``variable`` set and its end of a stream socket at ``socketDescriptor``; once ready it
/// writes ``ready`` there. A request is a 4-byte little-endian payload length with four descriptors attached
/// (`SCM_RIGHTS`): the cell's end of its control socket, then the write ends of its stdout, stderr and report
/// pipes; the payload (``Request``) follows. On the control socket the host answers the cell's pid in the host's
/// namespace (4 bytes, little-endian) with a pidfd of the cell attached, or a negative errno without one; when the
/// cell has exited, its 4-byte wait status; then it closes the socket. End of file on the request socket stops
/// the host, and every cell with it.
package enum CellServerProtocol {
    /// Tells the host to serve cells on the socket at the descriptor it names.
    package static let variable = "LESSONRUNNER_CELL_SERVER"
    /// Where the host finds its end of the request socket.
    package static let socketDescriptor: Int32 = 3
    /// What a host writes once it is ready to fork cells.
    package static let ready: [UInt8] = Array("LRC1".utf8)
    /// The descriptors a request carries: control, stdout, stderr, report.
    package static let descriptorCount = 4
    /// The largest payload a host reads.
    package static let payloadLimit = 1 << 20

    /// The demo to run, its arguments and the variables to add to the cell's environment.
    package struct Request: Equatable {
        package var demo: String
        package var arguments: [String]
        package var environment: [String: String]

        package init(demo: String, arguments: [String], environment: [String: String]) {
            self.demo = demo
            self.arguments = arguments
            self.environment = environment
        }

        /// The payload: each string as a 4-byte little-endian length and its UTF-8 bytes; the demo, the number of
        /// arguments and the arguments, the number of variables and each as `NAME=VALUE`.
        package func encoded() -> [UInt8] {
            var bytes: [UInt8] = []
            func append(_ number: Int) { withUnsafeBytes(of: UInt32(number).littleEndian) { bytes += $0 } }
            func append(_ text: String) {
                append(text.utf8.count)
                bytes += text.utf8
            }
            append(demo)
            append(arguments.count)
            arguments.forEach(append)
            append(environment.count)
            for (name, value) in environment.sorted(by: { $0.key < $1.key }) { append("\(name)=\(value)") }
            return bytes
        }

        /// The request in `payload`, or nil when it is not one.
        package init?(decoding payload: [UInt8]) {
            var offset = 0
            func number() -> Int? {
                guard payload.count - offset >= 4 else { return nil }
                var value: UInt32 = 0
                for index in 0..<4 { value |= UInt32(payload[offset + index]) << (8 * index) }
                offset += 4
                return Int(value)
            }
            func text() -> String? {
                guard let count = number(), payload.count - offset >= count else { return nil }
                defer { offset += count }
                return String(validating: payload[offset..<offset + count], as: UTF8.self)
            }
            guard let demo = text(), let argumentCount = number(), argumentCount <= payload.count else { return nil }
            var arguments: [String] = []
            for _ in 0..<argumentCount {
                guard let argument = text() else { return nil }
                arguments.append(argument)
            }
            guard let variableCount = number(), variableCount <= payload.count else { return nil }
            var environment: [String: String] = [:]
            for _ in 0..<variableCount {
                guard let variable = text(), let equals = variable.firstIndex(of: "="),
                      equals != variable.startIndex
                else { return nil }
                environment[String(variable[..<equals])] = String(variable[variable.index(after: equals)...])
            }
            guard offset == payload.count else { return nil }
            self.init(demo: demo, arguments: arguments, environment: environment)
        }
    }
}
