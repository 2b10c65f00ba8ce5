import CLinuxShims

/// A fixed-length typed array in shared memory, as Python's `multiprocessing.Array` (`lock: true`, the default)
/// and `multiprocessing.RawArray` (`lock: false`). Named so that it does not shadow `Swift.Array`.
///
/// ```swift
/// let numbers = try SharedArray<Int32>(0..<10)          // Python: Array('i', range(10))
/// let child = Process(target: negate, arguments: numbers)
/// try child.start(); try child.join()
/// print(Array(numbers))                                // [0, -1, -2, …]: a copy out
/// print(Array(numbers[2..<5]))                         // a slice, copied out
/// try numbers.withLock { buffer in buffer.sort() }     // many elements under the lock at once
/// ```
///
/// Layout, in shared memory with no name (a `memfd`; see ``SharedMemory``): a robust, recursive, process-shared
/// mutex (the ``lock``, 64 bytes), the element count (8 bytes), padding to 128 bytes, then the elements. Passed
/// to children among a ``Process``'s arguments.
///
/// As in Python, each subscript read or write takes the lock; ``withLock(_:)`` takes it once around many.
/// A subscript carries on past a process that died holding the lock; ``withLock(_:)`` reports it as
/// ``MultiprocessingError/Code/ownerDied``.
public final class SharedArray<Element: SharedScalar>: RandomAccessCollection, Codable, Sendable {
    let mapping: SharedMemoryMapping
    /// The lock that guards the elements (Python's `get_lock()`), recursive as Python's, so
    /// subscripts work inside `lock.withLock {}`; `nil` for a raw array (`lock: false`).
    public let lock: RLock?
    /// The number of elements, fixed.
    public let count: Int
    private static var offset: Int { 128 }
    private var elements: UnsafeMutablePointer<Element> {
        (mapping.base + Self.offset).assumingMemoryBound(to: Element.self)
    }

    /// An array of `count` copies of `value` in new shared memory, with a lock or not (Python's `RawArray`).
    ///
    /// - Throws: ``MultiprocessingError/Code/invalidArgument`` for a negative `count`, or one whose bytes do not
    ///   fit in an `Int`; ``MultiprocessingError/Code/systemCallFailed`` when the shared memory cannot be made.
    public convenience init(repeating value: Element, count: Int, lock: Bool = true) throws(MultiprocessingError) {
        try self.init(zeroedCount: count, lock: lock)
        (mapping.base + Self.offset).initializeMemory(as: Element.self, repeating: value, count: count)
    }

    /// An array of `elements` in new shared memory, with a lock or not (Python's `RawArray`).
    ///
    /// - Throws: ``MultiprocessingError/Code/systemCallFailed`` when the shared memory cannot be made.
    public convenience init(_ elements: some Collection<Element>, lock: Bool = true) throws(MultiprocessingError) {
        try self.init(zeroedCount: elements.count, lock: lock)
        var index = 0
        for element in elements.prefix(count) {
            let address = mapping.base + Self.offset + index * MemoryLayout<Element>.stride
            address.storeBytes(of: element, as: Element.self)
            index += 1
        }
    }

    /// `count` elements of zero bytes (zero, or false, for every ``SharedScalar`` of the standard library).
    private init(zeroedCount count: Int, lock: Bool) throws(MultiprocessingError) {
        // A property of the element type, fixed when the program is compiled, not a value passed in.
        precondition(MemoryLayout<Element>.alignment <= 64, "shared array elements must be aligned to at most 64")
        guard count >= 0 else {
            throw MultiprocessingError(.invalidArgument, "a shared array's count must not be negative, not \(count)")
        }
        let (bytes, overflow) = Swift.max(count, 1).multipliedReportingOverflow(by: MemoryLayout<Element>.stride)
        guard !overflow, bytes <= Int.max - Self.offset else {
            throw MultiprocessingError(.invalidArgument, "a shared array of \(count) \(Element.self) is too large")
        }
        mapping = try SharedMemoryMapping(size: Self.offset + bytes, name: "multiprocessing-Array")
        self.count = count
        (mapping.base + RobustMutex.reservedSize).storeBytes(of: Int64(count), as: Int64.self)
        if lock {
            _ = RobustMutex.initialize(at: mapping.base, recursive: true)
            self.lock = RLock(sharing: mapping)
        } else {
            self.lock = nil
        }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    /// The element at `position`, read or written under the lock (if there is one). As with `Array`'s subscript,
    /// a position out of `0..<count` stops the program.
    public subscript(position: Int) -> Element {
        get {
            precondition(position >= 0 && position < count, "SharedArray index out of range")
            lock?.mutex.lockRecovering()
            defer { lock?.mutex.unlock() }
            return elements[position]
        }
        set {
            precondition(position >= 0 && position < count, "SharedArray index out of range")
            lock?.mutex.lockRecovering()
            defer { lock?.mutex.unlock() }
            elements[position] = newValue
        }
    }

    /// A copy of every element, taken under the lock once.
    public func copy() -> [Element] {
        lock?.mutex.lockRecovering()
        defer { lock?.mutex.unlock() }
        return Swift.Array(UnsafeBufferPointer(start: elements, count: count))
    }

    /// Writes `values` from `start` on (Python's `array[start:start + n] = values`), under the lock once.
    ///
    /// - Throws: ``MultiprocessingError/Code/invalidArgument`` when the values would not fit from `start` on
    ///   (nothing is written then).
    public func replace(from start: Int = 0, with values: some Collection<Element>) throws(MultiprocessingError) {
        guard start >= 0 && start <= count && values.count <= count - start else {
            throw MultiprocessingError(.invalidArgument, "\(values.count) values from index \(start) do not fit in a "
                + "shared array of \(count)")
        }
        lock?.mutex.lockRecovering()
        defer { lock?.mutex.unlock() }
        var index = start
        for value in values {
            elements[index] = value
            index += 1
        }
    }

    /// Runs `body` on the elements holding the lock (without one for a raw array). The buffer is valid only
    /// inside `body`.
    ///
    /// - Throws: what `body` throws; ``MultiprocessingError/Code/ownerDied`` when a process died holding the lock
    ///   (`body` did not run).
    public func withLock<Result>(_ body: (UnsafeMutableBufferPointer<Element>) throws -> Result) throws -> Result {
        if let lock { _ = try lock.mutex.acquire(block: true, timeout: nil, what: "SharedArray's lock") }
        defer { lock?.mutex.unlock() }
        return try body(UnsafeMutableBufferPointer(start: elements, count: count))
    }

    /// Passes the array to another process: in a ``Process``'s arguments, a ``Connection``'s message, a ``Queue``'s
    /// item or a ``Pool``'s task or initializer.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(mapping.encodeDescriptor(encoder, "SharedArray"))
        try container.encode(lock != nil)
    }

    /// Maps an array passed by the parent.
    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        mapping = try SharedMemoryMapping.decode(
            decoder, index: container.decode(Int.self), minimumSize: Self.offset,
            what: "SharedArray")
        count = Int((mapping.base + RobustMutex.reservedSize).load(as: Int64.self))
        guard Self.offset + count * MemoryLayout<Element>.stride <= mapping.size else {
            throw MultiprocessingError(.codingFailed, "the shared memory passed is too small for its array")
        }
        lock = try container.decode(Bool.self) ? RLock(sharing: mapping) : nil
    }
}
