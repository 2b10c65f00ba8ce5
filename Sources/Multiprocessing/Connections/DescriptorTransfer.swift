#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// Collects the descriptors that values such as ``Connection``, ``Queue`` and ``Lock`` carry while they are encoded,
/// and hands them back to the decoder on the other side.
///
/// A descriptor cannot be written into bytes, so the encoder records it here and writes its index; the receiver
/// decodes an index back into a descriptor. The descriptors travel beside the bytes:
/// - a ``Process``'s arguments: the child gets them as 4, 5, 6, … with its start;
/// - a ``Connection``'s message: with `SCM_RIGHTS` on the pipe's socket (see ``Connection``);
/// - a ``Queue``'s item: with `SCM_RIGHTS`, parked in the queue's own socket until a consumer takes the item (see
///   ``SharedRing``);
/// - a ``Pool``'s task and its initializer's arguments: as a ``DescriptorBundle`` inside the task the worker gets.
///
/// A received descriptor belongs to this transfer until a decoder takes it (``descriptor(at:)``); each is taken at
/// most once, and ``closeUntaken()`` closes the ones no value took, so that nothing leaks when a message is read
/// as bytes or fails to decode.
///
/// The values that carry descriptors encode as unkeyed containers (the index first). A keyed container of their
/// own `CodingKeys` would make a fresh child look up the keys' `CodingKey` conformance at run time, a scan of every
/// conformance record in the executable, before its arguments are read.
final class DescriptorTransfer: @unchecked Sendable {
    /// The descriptors to pass, in order (encoding), or the descriptors received, in order (decoding).
    private(set) var descriptors: [FileDescriptor]
    /// Actions to run once the descriptors have gone (for example, closing a moved connection).
    private(set) var afterStart: [() -> Void] = []
    /// Which received descriptors a decoder has taken.
    private var taken: [Bool]
    /// Whether this is ``probe``.
    private let refuses: Bool

    /// A transfer to encode into, or one that hands out `descriptors` a child was passed with its start.
    init(descriptors: [FileDescriptor] = []) {
        self.descriptors = descriptors
        taken = Array(repeating: false, count: descriptors.count)
        refuses = false
    }

    private init(refusing: Void) {
        descriptors = []
        taken = []
        refuses = true
    }

    /// A transfer that records nothing and throws ``Needed`` at the first descriptor, shared by every thread: a
    /// queue's `put` encodes with it first, so that an item without resources (nearly every item) costs no
    /// transfer of its own, and encodes again with one when it throws.
    static let probe = DescriptorTransfer(refusing: ())

    /// What ``probe`` throws: the value holds descriptors.
    struct Needed: Error {}

    /// Whether no descriptor was recorded (or received).
    var isEmpty: Bool { descriptors.isEmpty }

    /// Records `descriptor` to pass; returns its index.
    ///
    /// - Throws: ``Needed`` for ``probe``.
    func add(_ descriptor: FileDescriptor) throws -> Int {
        if refuses { throw Needed() }
        descriptors.append(descriptor)
        taken.append(false)
        return descriptors.count - 1
    }

    /// Records something to do once the descriptors are on their way (the child started, the message was sent).
    func onStart(_ action: @escaping () -> Void) {
        afterStart.append(action)
    }

    /// Runs the actions recorded with ``onStart(_:)``, once.
    func started() {
        let actions = afterStart
        afterStart = []
        for action in actions { action() }
    }

    /// Forgets what was recorded, for the next encoding (a connection's sends reuse one transfer).
    func reset() {
        descriptors.removeAll(keepingCapacity: true)
        taken.removeAll(keepingCapacity: true)
        afterStart.removeAll(keepingCapacity: true)
    }

    /// Takes the received descriptor at `index`: the caller owns it from now on.
    ///
    /// - Throws: ``MultiprocessingError/Code/codingFailed`` for an index that was not passed or was taken already.
    func descriptor(at index: Int) throws -> FileDescriptor {
        guard descriptors.indices.contains(index) else {
            throw MultiprocessingError(
                .codingFailed, "no descriptor \(index) came with this value (\(descriptors.count) did)")
        }
        guard !taken[index] else {
            throw MultiprocessingError(.codingFailed, "descriptor \(index) was already taken by another value")
        }
        taken[index] = true
        return descriptors[index]
    }

    /// Closes the received descriptors no decoder took.
    func closeUntaken() {
        for (index, descriptor) in descriptors.enumerated() where !taken[index] {
            taken[index] = true
            _close(descriptor)
        }
    }

    /// The transfer of the value `encoder` is encoding, or an error naming `what` cannot travel without one.
    static func from(_ encoder: any Encoder, _ what: String) throws -> DescriptorTransfer {
        // A cast to a concrete type: no conformance look-up at run time (see `BinaryCodingContext`).
        guard let transfer = (encoder as? _BinaryEncoder)?.node.context.transfer else { throw outside(what) }
        return transfer
    }

    /// The transfer of the value `decoder` is decoding, or an error naming `what` cannot travel without one.
    static func from(_ decoder: any Decoder, _ what: String) throws -> DescriptorTransfer {
        guard let transfer = (decoder as? _BinaryDecoder)?.reader.context.transfer else { throw outside(what) }
        return transfer
    }

    private static func outside(_ what: String) -> MultiprocessingError {
        MultiprocessingError(.codingFailed, "a \(what) holds descriptors: it can travel only in a Process's arguments, "
            + "a Connection's message, a Queue's item or a Pool's task or initializer, not in other encodings")
    }
}
