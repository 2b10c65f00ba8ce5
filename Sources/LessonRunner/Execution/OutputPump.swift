import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// Reads a child's output pipes with `poll` into a ``CapturedOutput`` until they close, a deadline passes, or
/// the child exits.
struct OutputPump {
    private var streams: [(descriptor: FileDescriptor, stream: OutputStream)] = []
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    private let limit: Int
    private let onOutput: ((OutputStream, ArraySlice<UInt8>) -> Void)?
    private(set) var output = CapturedOutput()

    init(limit: Int, onOutput: ((OutputStream, ArraySlice<UInt8>) -> Void)?) {
        self.limit = limit
        self.onOutput = onOutput
    }

    mutating func add(_ descriptor: FileDescriptor, as stream: OutputStream) {
        streams.append((descriptor, stream))
    }

    mutating func closeAll() {
        for entry in streams { try? entry.descriptor.close() }
        streams.removeAll()
    }

    /// Pumps until every stream has closed, `deadline` passes, or `exitDescriptor` becomes readable.
    ///
    /// - Returns: True when the exit descriptor became readable (or when there is none to watch and the pipes
    ///   closed); false when the deadline passed first.
    @discardableResult
    mutating func pump(until deadline: ContinuousClock.Instant, exitDescriptor: FileDescriptor?,
                       clock: ContinuousClock) -> Bool {
        while true {
            if streams.isEmpty && exitDescriptor == nil { return true }
            let remaining = deadline - clock.now
            let milliseconds: Int32 =
                remaining <= .zero ? 0 : Int32(clamping: remaining.components.seconds * 1000
                    + (remaining.components.attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
            var descriptors = streams.map { pollfd(fd: $0.descriptor.rawValue, events: Int16(POLLIN), revents: 0) }
            if let exitDescriptor {
                descriptors.append(pollfd(fd: exitDescriptor.rawValue, events: Int16(POLLIN), revents: 0))
            }
            let ready = poll(&descriptors, nfds_t(descriptors.count), milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                preconditionFailure("poll failed: errno \(errno)")
            }
            if ready == 0 {
                if exitDescriptor == nil && remaining <= .zero { return true }
                return false
            }
            var closed: [Int] = []
            for index in streams.indices where descriptors[index].revents != 0 {
                if !readOnce(streams[index]) { closed.append(index) }
            }
            for index in closed.reversed() {
                try? streams[index].descriptor.close()
                streams.remove(at: index)
            }
            if exitDescriptor != nil, descriptors[descriptors.count - 1].revents != 0 { return true }
            // Past the deadline one pass is all a stream that keeps writing gets.
            if remaining <= .zero { return exitDescriptor == nil }
        }
    }

    /// Reads one chunk; false at end of file or on a read error.
    private mutating func readOnce(_ entry: (descriptor: FileDescriptor, stream: OutputStream)) -> Bool {
        let count: Int
        do {
            count = try buffer.withUnsafeMutableBytes { try entry.descriptor.read(into: $0) }
        } catch {
            return false
        }
        guard count > 0 else { return false }
        let chunk = buffer[..<count]
        output.append(chunk, from: entry.stream, limit: limit)
        onOutput?(entry.stream, chunk)
        return true
    }
}
