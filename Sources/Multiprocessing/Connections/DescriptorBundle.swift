#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// Descriptors held for a message that is sent later, or more than once: a ``Pool``'s task (sent again when its
/// worker dies) and its initializer's arguments (sent to every worker the pool starts, replacements included).
///
/// The bytes of such a message were encoded once, with their own ``DescriptorTransfer``; the bundle keeps
/// duplicates of that transfer's descriptors, so that the values they came from may go away (or move, as a
/// ``Connection`` does) before the message leaves. It travels inside the message that carries the bytes: encoded, it
/// adds its descriptors to the enclosing transfer; decoded, it takes them, and ``transfer()`` hands them to the
/// decoder of the bytes, index for index.
final class DescriptorBundle: Codable, @unchecked Sendable {
    /// The descriptors, owned by this bundle until ``transfer()`` hands them on.
    private var descriptors: [FileDescriptor]
    /// The process that owns them: a forked child's copy of the bundle closes nothing.
    private let owner = getpid()

    /// Duplicates of the descriptors `transfer` recorded, or `nil` when it recorded none.
    ///
    /// - Throws: ``MultiprocessingError/Code/systemCallFailed`` when the process has no descriptor left.
    static func duplicating(_ transfer: DescriptorTransfer) throws(MultiprocessingError) -> DescriptorBundle? {
        guard !transfer.isEmpty else { return nil }
        var copies: [FileDescriptor] = []
        for descriptor in transfer.descriptors {
            let copy = fcntl(descriptor.rawValue, F_DUPFD_CLOEXEC, 3)
            guard copy >= 0 else {
                let error = _currentErrno()
                for made in copies { _close(made) }
                throw MultiprocessingError(.systemCallFailed, "cannot duplicate a descriptor to send",
                                           underlyingError: error)
            }
            copies.append(FileDescriptor(rawValue: copy))
        }
        return DescriptorBundle(copies)
    }

    private init(_ descriptors: [FileDescriptor]) {
        self.descriptors = descriptors
    }

    /// The number of descriptors.
    var count: Int { descriptors.count }

    /// A transfer that hands this bundle's descriptors to a decoder (and owns them from now on).
    func transfer() -> DescriptorTransfer {
        defer { descriptors = [] }
        return DescriptorTransfer(descriptors: descriptors)
    }

    func encode(to encoder: any Encoder) throws {
        let transfer = try DescriptorTransfer.from(encoder, "descriptor bundle")
        var container = encoder.unkeyedContainer()
        try container.encode(descriptors.count)
        for descriptor in descriptors { try container.encode(transfer.add(descriptor)) }
    }

    init(from decoder: any Decoder) throws {
        let transfer = try DescriptorTransfer.from(decoder, "descriptor bundle")
        var container = try decoder.unkeyedContainer()
        let count = try container.decode(Int.self)
        guard count >= 0 && count <= 1 << 16 else {
            throw MultiprocessingError(.codingFailed, "a bundle of \(count) descriptors")
        }
        descriptors = []
        do {
            for _ in 0..<count { descriptors.append(try transfer.descriptor(at: try container.decode(Int.self))) }
        } catch {
            for descriptor in descriptors { _close(descriptor) }
            throw error
        }
    }

    deinit {
        guard owner == getpid() else { return }
        for descriptor in descriptors { _close(descriptor) }
    }
}
