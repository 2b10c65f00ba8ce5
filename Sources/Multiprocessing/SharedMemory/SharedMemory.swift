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
    /// - Throws: ``MultiprocessingError/Code/systemCallFailed`` when the memory cannot be made.
    public init(size: Int) throws(MultiprocessingError) {
        precondition(size > 0, "shared memory must have a size")
        mapping = try SharedMemoryMapping(size: size, name: "multiprocessing-SharedMemory")
    }

    /// The size in bytes.
    public var size: Int { mapping.size }

    /// The byte at `offset`.
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
    public func bytes(in range: Range<Int>) -> [UInt8] {
        precondition(range.lowerBound >= 0 && range.upperBound <= size, "SharedMemory range out of bounds")
        return [UInt8](UnsafeRawBufferPointer(start: mapping.base + range.lowerBound, count: range.count))
    }

    /// Passes the memory to a child: only as (part of) a ``Process``'s arguments.
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
