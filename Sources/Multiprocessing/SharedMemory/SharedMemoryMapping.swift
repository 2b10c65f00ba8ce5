#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims
import Synchronization
import SystemPackage

/// Anonymous shared memory: a `memfd` mapped `MAP_SHARED`, the storage of ``Queue``, the locks, ``SharedValue``,
/// ``SharedArray`` and ``SharedMemory``; or, for a named ``SharedMemory``, a block under `/dev/shm` (see
/// ``SharedMemoryDirectory``).
///
/// A memfd has no name, so nothing appears under `/dev/shm` and nothing can leak: the kernel frees the memory when
/// the last process closes the descriptor and unmaps it, even when every process was killed. A child gets it as a
/// descriptor passed with its arguments (see ``DescriptorTransfer``) and maps it again.
///
/// The mapping is owned by this object: the address is stable for its lifetime, as a pthread mutex requires.
final class SharedMemoryMapping: @unchecked Sendable {
    /// The memfd; passed to children.
    let descriptor: FileDescriptor
    /// The mapped bytes, page-aligned.
    let base: UnsafeMutableRawPointer
    /// The size of the mapping in bytes.
    let size: Int
    /// Whether ``close()`` was called: the descriptor is closed and the pages are no longer mapped.
    private let closed = Atomic<Bool>(false)

    /// New zero-filled shared memory of `size` bytes; `name` shows in `/proc/PID/maps` only (`memfd:name`).
    convenience init(size: Int, name: String) throws(MultiprocessingError) {
        precondition(size > 0, "shared memory must have a size")
        let raw = lx_memfd_create(name, 1 /* MFD_CLOEXEC */)
        guard raw >= 0 else {
            throw MultiprocessingError(.systemCallFailed, "cannot make shared memory", underlyingError: _currentErrno())
        }
        guard ftruncate(raw, off_t(size)) == 0 else {
            let error = _currentErrno()
            Glibc.close(raw)
            throw MultiprocessingError(.systemCallFailed, "cannot size shared memory", underlyingError: error)
        }
        try self.init(adopting: FileDescriptor(rawValue: raw), size: size)
    }

    /// Maps `size` bytes of `descriptor`, which this mapping then owns (also when the mapping fails).
    init(adopting descriptor: FileDescriptor, size: Int) throws(MultiprocessingError) {
        do {
            base = try Self.map(descriptor.rawValue, size: size)
        } catch {
            _close(descriptor)
            throw error
        }
        self.descriptor = descriptor
        self.size = size
    }

    /// Maps shared memory another process made, received as `descriptor` (which this mapping then owns).
    /// `minimumSize` guards against a descriptor of the wrong kind.
    convenience init(receiving descriptor: FileDescriptor, minimumSize: Int, what: String)
        throws(MultiprocessingError) {
        var information = stat()
        guard fstat(descriptor.rawValue, &information) == 0, Int(information.st_size) >= max(minimumSize, 1) else {
            _close(descriptor)
            throw MultiprocessingError(.codingFailed, "the descriptor passed for a \(what) is not one")
        }
        try self.init(adopting: descriptor, size: Int(information.st_size))
    }

    private static func map(_ descriptor: Int32, size: Int) throws(MultiprocessingError) -> UnsafeMutableRawPointer {
        guard let address = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0),
              address != MAP_FAILED
        else {
            throw MultiprocessingError(.systemCallFailed, "cannot map shared memory", underlyingError: _currentErrno())
        }
        return address
    }

    /// Whether ``close()`` was called.
    var isClosed: Bool { closed.load(ordering: .acquiring) }

    /// Closes the descriptor and unmaps the pages before `deinit`; a second call does nothing. The address range
    /// stays reserved, without access, until `deinit`: a use after the close faults rather than reaching whatever
    /// would be mapped there next.
    func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        _ = mmap(base, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0)
        _close(descriptor)
    }

    deinit {
        munmap(base, size)
        if !isClosed { _close(descriptor) }
    }

    /// A 32-bit word at `offset`, for atomics and futexes.
    func word(at offset: Int) -> UnsafeMutablePointer<UInt32> {
        (base + offset).assumingMemoryBound(to: UInt32.self)
    }

    /// Encodes the mapping's descriptor into a process's arguments; returns its index.
    func encodeDescriptor(_ encoder: any Encoder, _ what: String) throws -> Int {
        try DescriptorTransfer.from(encoder, what).add(descriptor)
    }

    /// The mapping passed to this child at `index`.
    static func decode(_ decoder: any Decoder, index: Int, minimumSize: Int, what: String) throws
        -> SharedMemoryMapping {
        let transfer = try DescriptorTransfer.from(decoder, what)
        return try SharedMemoryMapping(receiving: transfer.descriptor(at: index), minimumSize: minimumSize, what: what)
    }
}
