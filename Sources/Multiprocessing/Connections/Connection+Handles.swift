#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

extension Connection {
    /// Sends `descriptor` to the process at the other end, which receives its own descriptor for the same open file
    /// with ``recvHandle()``: Python's `multiprocessing.reduction.send_handle(conn, handle, pid)`. `descriptor` stays
    /// open here. The other process need not be a child, nor still be related to this one.
    ///
    /// - Throws: ``MultiprocessingError/Code/invalidArgument`` for a descriptor that is not open; otherwise as
    ///   ``send(_:)``.
    ///
    /// The corresponding C function is `sendmsg` with `SCM_RIGHTS`.
    public func sendHandle(_ descriptor: FileDescriptor) throws(MultiprocessingError) {
        guard fcntl(descriptor.rawValue, F_GETFD) >= 0 else {
            throw MultiprocessingError(.invalidArgument, "descriptor \(descriptor.rawValue) is not open",
                                       underlyingError: _currentErrno())
        }
        try send(PassedHandle(descriptor: descriptor))
    }

    /// Receives a descriptor sent with ``sendHandle(_:)``: Python's `multiprocessing.reduction.recv_handle(conn)`.
    /// The caller owns it (close it when done); it is close-on-exec.
    ///
    /// - Throws: ``MultiprocessingError/Code/codingFailed`` when the next message is not a descriptor sent with
    ///   ``sendHandle(_:)`` (Python's `RuntimeError`: the message is consumed, and any descriptors it carried are
    ///   closed); otherwise as ``recv(_:)``.
    public func recvHandle() throws(MultiprocessingError) -> FileDescriptor {
        try withNextMessage { (bytes, descriptors) throws(MultiprocessingError) -> FileDescriptor in
            let transfer = DescriptorTransfer(descriptors: descriptors)
            defer { transfer.closeUntaken() }
            guard !descriptors.isEmpty else {
                throw MultiprocessingError(.codingFailed, "the message received carries no descriptor: was it sent "
                    + "with sendHandle(_:)?")
            }
            do {
                return try BinaryDecoder(transfer: transfer).decode(PassedHandle.self, from: bytes).descriptor
            } catch {
                throw MultiprocessingError(.codingFailed, "the message received is not a descriptor sent with "
                    + "sendHandle(_:): \(error)")
            }
        }
    }
}

/// The payload of ``Connection/sendHandle(_:)``: a tag, so that another resource's message is not taken for one,
/// and one descriptor.
private struct PassedHandle: Codable {
    static let tag = "handle"
    var descriptor: FileDescriptor

    init(descriptor: FileDescriptor) {
        self.descriptor = descriptor
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(Self.tag)
        try container.encode(DescriptorTransfer.from(encoder, "descriptor").add(descriptor))
    }

    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        guard try container.decode(String.self) == Self.tag, container.count == 2 else {
            throw MultiprocessingError(.codingFailed, "not a descriptor sent with sendHandle(_:)")
        }
        descriptor = try DescriptorTransfer.from(decoder, "descriptor").descriptor(at: container.decode(Int.self))
    }
}
