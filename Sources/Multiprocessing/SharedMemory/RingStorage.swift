/// `capacity` bytes at `base` used as a ring, addressed by positions that only grow: a position's place is the
/// position modulo the capacity, and a copy that reaches the end goes on at the start. The storage of both
/// ``SharedRing`` (queues) and ``ByteRing`` (pipes); who may write where is theirs to say.
struct RingStorage: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let capacity: Int

    /// Copies `bytes` into the ring from `position` on.
    func copyIn(_ bytes: UnsafeRawBufferPointer, at position: UInt64) {
        guard bytes.count > 0 else { return }
        let offset = Int(position % UInt64(capacity))
        let first = min(bytes.count, capacity - offset)
        (base + offset).copyMemory(from: bytes.baseAddress!, byteCount: first)
        if first < bytes.count {
            base.copyMemory(from: bytes.baseAddress! + first, byteCount: bytes.count - first)
        }
    }

    /// Fills `bytes` from the ring from `position` on.
    func copyOut(_ bytes: UnsafeMutableRawBufferPointer, at position: UInt64) {
        guard bytes.count > 0 else { return }
        let offset = Int(position % UInt64(capacity))
        let first = min(bytes.count, capacity - offset)
        bytes.baseAddress!.copyMemory(from: base + offset, byteCount: first)
        if first < bytes.count {
            (bytes.baseAddress! + first).copyMemory(from: base, byteCount: bytes.count - first)
        }
    }
}
