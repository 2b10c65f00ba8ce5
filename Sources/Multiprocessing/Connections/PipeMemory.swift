import SystemPackage

/// The shared memory behind a ``Pipe(duplex:)``: one ``ByteRing`` per direction (two for a duplex pipe, one for a
/// one-way pipe), in a `memfd` that the processes holding the ends map.
///
/// Why a pipe's bytes go through memory and not only through its socket pair, as in Python: on a socket every
/// message costs a system call to send and at least one to receive (each about a microsecond on a virtual
/// machine), and a receiver that polls while it waits for an answer makes a system call per poll. Through a ring a
/// message is a copy in and a copy out, and polling reads memory. Measured on the 2-core machine (BENCHMARKS.md): a
/// round trip of a small message between processes on different CPUs went from 6.5 µs to 2.8–3.8 µs, and the
/// classic exercise with `spawn` (start, 100 round trips, join) from 1.80 to 1.52 ms, A/B.
///
/// The socket pair stays, for what memory cannot do: waking a receiver that sleeps (a one-byte doorbell), and end
/// of file when the other end is closed or its process dies (the kernel closes the dead process's socket, and
/// `poll` on ours returns at once).
///
/// Layout: a 4 KiB header holding each ring's header (``ByteRing/headerSize`` bytes apart), then the rings'
/// storage, ``capacity`` bytes each.
final class PipeMemory: @unchecked Sendable {
    /// A ring's size: a kernel pipe's default buffer.
    static let capacity = 64 * 1024
    private static let headerSize = 4096

    /// The memfd and its mapping; the descriptor travels to a child with a connection.
    let mapping: SharedMemoryMapping
    /// The number of rings: 2 for a duplex pipe, 1 for a one-way pipe.
    let ringCount: Int

    /// New zero-filled memory for `ringCount` rings.
    init(ringCount: Int) throws(MultiprocessingError) {
        precondition((1...2).contains(ringCount), "a pipe has one or two directions")
        mapping = try SharedMemoryMapping(size: Self.headerSize + ringCount * Self.capacity,
                                          name: "multiprocessing-pipe")
        self.ringCount = ringCount
    }

    /// Maps the memory of a pipe made by another process, received as `descriptor` (which this then owns).
    init(receiving descriptor: FileDescriptor) throws(MultiprocessingError) {
        mapping = try SharedMemoryMapping(receiving: descriptor, minimumSize: Self.headerSize + Self.capacity,
                                          what: "pipe")
        ringCount = (mapping.size - Self.headerSize) / Self.capacity
        guard (1...2).contains(ringCount), mapping.size == Self.headerSize + ringCount * Self.capacity else {
            throw MultiprocessingError(.codingFailed, "the descriptor passed for a pipe is not one")
        }
    }

    /// The ring at `index`, or `nil` for -1 (the end does not use that direction).
    func ring(_ index: Int) throws(MultiprocessingError) -> ByteRing? {
        if index == -1 { return nil }
        guard (0..<ringCount).contains(index) else {
            throw MultiprocessingError(.codingFailed, "a pipe has no ring \(index)")
        }
        return ByteRing(header: mapping.base + index * ByteRing.headerSize,
                        data: mapping.base + Self.headerSize + index * Self.capacity, capacity: Self.capacity)
    }
}
