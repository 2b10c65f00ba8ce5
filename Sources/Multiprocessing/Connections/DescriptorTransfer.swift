import SystemPackage

/// Collects the descriptors that values such as ``Connection`` and ``Queue`` carry while a process's arguments are
/// encoded, and hands them back in the child while they are decoded.
///
/// A descriptor cannot be written into bytes, so the encoder records it here and writes its index; the child gets
/// the recorded descriptors as 4, 5, 6, … and decodes an index back into a descriptor.
///
/// The values that carry descriptors encode as unkeyed containers (the index first). A keyed container of their
/// own `CodingKeys` would make a fresh child look up the keys' `CodingKey` conformance at run time, a scan of every
/// conformance record in the executable, before its arguments are read.
final class DescriptorTransfer: @unchecked Sendable {
    /// The descriptors to pass, in order (encoding), or the descriptors received, in order (decoding).
    private(set) var descriptors: [FileDescriptor]
    /// Descriptors this process gives away with the start: closed here once the child has them.
    private(set) var moved: [FileDescriptor] = []
    /// Actions to run once the child has started (for example, closing a moved connection).
    private(set) var afterStart: [() -> Void] = []

    init(descriptors: [FileDescriptor] = []) {
        self.descriptors = descriptors
    }

    /// Records `descriptor` to pass; returns its index.
    func add(_ descriptor: FileDescriptor) -> Int {
        descriptors.append(descriptor)
        return descriptors.count - 1
    }

    /// Records something to do once the child has started.
    func onStart(_ action: @escaping () -> Void) {
        afterStart.append(action)
    }

    func started() {
        for action in afterStart { action() }
        afterStart = []
    }

    /// The received descriptor at `index`.
    func descriptor(at index: Int) throws -> FileDescriptor {
        guard descriptors.indices.contains(index) else {
            throw MultiprocessingError(.codingFailed, "no descriptor \(index) was passed to this process")
        }
        return descriptors[index]
    }

    /// The transfer of the process arguments `encoder` is encoding, or an error naming `what` cannot travel
    /// without one.
    static func from(_ encoder: any Encoder, _ what: String) throws -> DescriptorTransfer {
        // A cast to a concrete type: no conformance look-up at run time (see `BinaryCodingContext`).
        guard let transfer = (encoder as? _BinaryEncoder)?.node.context.transfer else { throw outside(what) }
        return transfer
    }

    /// The transfer of the process arguments `decoder` is decoding, or an error naming `what` cannot travel
    /// without one.
    static func from(_ decoder: any Decoder, _ what: String) throws -> DescriptorTransfer {
        guard let transfer = (decoder as? _BinaryDecoder)?.reader.context.transfer else { throw outside(what) }
        return transfer
    }

    private static func outside(_ what: String) -> MultiprocessingError {
        MultiprocessingError(.codingFailed, "a \(what) can only be passed to a child process as an argument of a Process")
    }
}
