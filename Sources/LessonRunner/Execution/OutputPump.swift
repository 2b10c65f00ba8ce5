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

    /// Why ``pump(until:exitDescriptor:interruptDescriptor:clock:)`` returned.
    enum Ending {
        /// The exit descriptor became readable: the child exited.
        case exited
        /// Every stream closed and there was no exit descriptor to watch.
        case drained
        /// The deadline passed.
        case deadline
        /// The interrupt descriptor became readable.
        case interrupted
        /// The stop descriptor became readable.
        case stopped
    }

    /// Pumps until every stream has closed (with no exit descriptor to watch), `deadline` passes,
    /// `exitDescriptor` becomes readable, or `interruptDescriptor` does.
    @discardableResult
    mutating func pump(
        until deadline: ContinuousClock.Instant, exitDescriptor: FileDescriptor?, interruptDescriptor: Int32? = nil,
        stopDescriptor: Int32? = nil, clock: ContinuousClock
    ) -> Ending {
        while true {
            if streams.isEmpty && exitDescriptor == nil { return .drained }
            let remaining = deadline - clock.now
            let milliseconds: Int32 =
                remaining <= .zero ? 0 : Int32(clamping: remaining.components.seconds * 1000
                    + (remaining.components.attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
            var descriptors = streams.map { pollfd(fd: $0.descriptor.rawValue, events: Int16(POLLIN), revents: 0) }
            let exitIndex = descriptors.count
            if let exitDescriptor {
                descriptors.append(pollfd(fd: exitDescriptor.rawValue, events: Int16(POLLIN), revents: 0))
            }
            let interruptIndex = descriptors.count
            if let interruptDescriptor {
                descriptors.append(pollfd(fd: interruptDescriptor, events: Int16(POLLIN), revents: 0))
            }
            let stopIndex = descriptors.count
            if let stopDescriptor {
                descriptors.append(pollfd(fd: stopDescriptor, events: Int16(POLLIN), revents: 0))
            }
            let ready = poll(&descriptors, nfds_t(descriptors.count), milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                preconditionFailure("poll failed: errno \(errno)")
            }
            if ready == 0 { return .deadline }
            var closed: [Int] = []
            for index in streams.indices where descriptors[index].revents != 0 {
                if !readOnce(streams[index]) { closed.append(index) }
            }
            for index in closed.reversed() {
                try? streams[index].descriptor.close()
                streams.remove(at: index)
            }
            if interruptDescriptor != nil, descriptors[interruptIndex].revents != 0 { return .interrupted }
            if stopDescriptor != nil, descriptors[stopIndex].revents != 0 { return .stopped }
            if exitDescriptor != nil, descriptors[exitIndex].revents != 0 { return .exited }
            // Past the deadline one pass is all a stream that keeps writing gets.
            if remaining <= .zero { return .deadline }
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
