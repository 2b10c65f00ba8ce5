/// What an encoding or decoding carries from the top-level ``BinaryEncoder`` or ``BinaryDecoder`` down to every
/// nested encoder and container: the caller's `userInfo`, and the descriptors of a process's arguments.
///
/// Two choices here keep a fresh child from looking up conformances at run time, each a scan of every
/// conformance record in the executable, before it has read its arguments:
/// - The descriptors travel in a typed field, not under a `userInfo` key: a non-empty `userInfo` dictionary
///   needs `CodingUserInfoKey`'s `Hashable` conformance.
/// - It is a class, held once by the decoding's shared ``BinaryReader`` or by each ``BinaryEncodingNode``: a
///   `[CodingUserInfoKey: Any]` stored in the containers would need that conformance for their own metadata.
final class BinaryCodingContext: @unchecked Sendable {
    /// The caller's `userInfo`, handed to every `Encoder` and `Decoder` as it is.
    let userInfo: [CodingUserInfoKey: Any]
    /// Where ``Connection``, ``Queue`` and the other descriptor-carrying values put (encoding) or find
    /// (decoding) their descriptors; `nil` outside a process's arguments, a message, a queue's item or a pool's
    /// task.
    let transfer: DescriptorTransfer?

    init(userInfo: [CodingUserInfoKey: Any] = [:], transfer: DescriptorTransfer? = nil) {
        self.userInfo = userInfo
        self.transfer = transfer
    }

    /// No user info, no descriptors: what most encodings use, shared.
    static let plain = BinaryCodingContext()

    /// No user info, and a message that came without descriptors: a value that needs one fails to decode with a
    /// message that says so. Shared: nothing is recorded in an empty transfer.
    static let nothingReceived = BinaryCodingContext(transfer: DescriptorTransfer())

    /// No user info, and ``DescriptorTransfer/probe``: an encoding that throws at the first descriptor.
    static let probing = BinaryCodingContext(transfer: .probe)
}
