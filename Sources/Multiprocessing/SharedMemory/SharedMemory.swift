/// A block of shared memory, as Python's `multiprocessing.shared_memory.SharedMemory`, but with no name.
///
/// ```swift
/// let block = try SharedMemory(size: 4096)
/// block[0] = 42
/// let child = Process(target: work, arguments: block)   // the child sees block[0] == 42
/// ```
///
/// The memory is a `memfd` mapped `MAP_SHARED`: it is passed to children as a descriptor among a ``Process``'s
/// arguments, and the kernel frees it when the last process that maps it closes it or dies. Nothing appears under
/// `/dev/shm` and there is nothing to unlink, so nothing leaks even when every process is killed with SIGKILL, and
/// no process can unlink memory another still uses (Python's resource tracker warnings and CPython gh-82300).
public final class SharedMemory: Codable, Sendable {
    let mapping: SharedMemoryMapping

    /// New zero-filled shared memory of `size` bytes (at least 1).
    ///
    /// - Throws: ``MultiprocessingError/Code/invalidArgument`` when `size` is not positive (Python's
    ///   `ValueError`), ``MultiprocessingError/Code/systemCallFailed`` when the memory cannot be made (too large).
    public init(size: Int) throws(MultiprocessingError) {
        guard size > 0 else {
            throw MultiprocessingError(.invalidArgument, "shared memory's size must be positive, not \(size)")
        }
        mapping = try SharedMemoryMapping(size: size, name: "multiprocessing-SharedMemory")
    }

    /// The size in bytes.
    public var size: Int { mapping.size }

    /// The byte at `offset`, which must be in `0..<size`: as with `Array`'s subscript, an offset out of range
    /// stops the program. ``bytes(in:)`` checks its range and throws instead.
    public subscript(offset: Int) -> UInt8 {
        get {
            precondition(offset >= 0 && offset < size, "SharedMemory offset out of range")
            return mapping.base.load(fromByteOffset: offset, as: UInt8.self)
        }
        set {
            precondition(offset >= 0 && offset < size, "SharedMemory offset out of range")
            mapping.base.storeBytes(of: newValue, toByteOffset: offset, as: UInt8.self)
        }
    }

    /// Runs `body` with the bytes (Python's `buf`). The buffer is valid only inside `body`; other processes may
    /// change the bytes at any time: guard them with a ``Lock`` if they do.
    public func withUnsafeMutableBytes<Result>(_ body: (UnsafeMutableRawBufferPointer) throws -> Result)
        rethrows -> Result {
        try body(UnsafeMutableRawBufferPointer(start: mapping.base, count: mapping.size))
    }

    /// A copy of the bytes in `range`.
    ///
    /// - Throws: ``MultiprocessingError/Code/invalidArgument`` when `range` is not within `0..<size`.
    public func bytes(in range: Range<Int>) throws(MultiprocessingError) -> [UInt8] {
        guard range.lowerBound >= 0 && range.upperBound <= size else {
            throw MultiprocessingError(.invalidArgument, "the range \(range) is not within the \(size) bytes of the "
                + "shared memory")
        }
        return [UInt8](UnsafeRawBufferPointer(start: mapping.base + range.lowerBound, count: range.count))
    }

    /// Passes the memory to another process: in a ``Process``'s arguments, a ``Connection``'s message, a ``Queue``'s
    /// item or a ``Pool``'s task or initializer.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(mapping.encodeDescriptor(encoder, "SharedMemory"))
    }

    /// Maps memory passed by the parent.
    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        mapping = try SharedMemoryMapping.decode(
            decoder, index: container.decode(Int.self), minimumSize: 1, what: "SharedMemory")
    }
}
