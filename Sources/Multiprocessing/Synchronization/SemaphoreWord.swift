import CLinuxShims

/// The counter behind ``Semaphore`` and ``BoundedSemaphore``: a futex word in shared memory.
///
/// Layout (12 bytes): the value (UInt32, the futex word), the number of sleeping acquirers, and the maximum plus
/// one (0: none; a bounded semaphore may have a maximum of 0).
/// Acquire decrements with a compare-and-exchange when the value is positive, else sleeps on the word while it is
/// 0; release increments and wakes one sleeper if any is counted. There is no owner, so a dead process cannot
/// hold it (as in Python, a permit it took is simply gone).
struct SemaphoreWord: @unchecked Sendable {
    static let size = 16
    let mapping: SharedMemoryMapping

    private var value: UnsafeMutablePointer<UInt32> { mapping.word(at: 0) }
    private var sleepers: UnsafeMutablePointer<UInt32> { mapping.word(at: 4) }
    private var maximumPlusOne: UnsafeMutablePointer<UInt32> { mapping.word(at: 8) }

    init(value: Int, maximum: Int?, name: String) throws(MultiprocessingError) {
        guard value >= 0 && value <= Int(Int32.max) else {
            throw MultiprocessingError(.invalidArgument,
                                       "a semaphore's value must be in 0...\(Int32.max), not \(value)")
        }
        mapping = try SharedMemoryMapping(size: Self.size, name: name)
        lx_atomic_store_u32(mapping.word(at: 0), UInt32(value))
        lx_atomic_store_u32(mapping.word(at: 8), maximum.map { UInt32($0) + 1 } ?? 0)
    }

    init(mapping: SharedMemoryMapping) {
        self.mapping = mapping
    }

    var currentValue: Int { Int(lx_atomic_load_u32(value)) }

    /// The value a release may not go above, for a bounded semaphore.
    var maximumValue: Int? {
        let stored = lx_atomic_load_u32(maximumPlusOne)
        return stored == 0 ? nil : Int(stored) - 1
    }

    func acquire(block: Bool, timeout: Duration?) -> Bool {
        let deadline = Deadline(timeout)
        while true {
            let current = lx_atomic_load_u32(value)
            if current > 0 {
                if lx_atomic_compare_exchange_u32(value, current, current - 1) != 0 { return true }
                continue
            }
            guard block, !deadline.hasPassed else { return false }
            _ = lx_atomic_add_u32(sleepers, 1)
            _ = lx_futex_wait(value, 0, deadline.remainingNanoseconds)
            _ = lx_atomic_sub_u32(sleepers, 1)
        }
    }

    /// Adds one; false (and nothing changed) when a maximum would be exceeded.
    func release() -> Bool {
        let limit = maximumValue.map(UInt32.init)
        while true {
            let current = lx_atomic_load_u32(value)
            if let limit, current >= limit { return false }
            if lx_atomic_compare_exchange_u32(value, current, current + 1) != 0 { break }
        }
        if lx_atomic_load_u32(sleepers) > 0 { _ = lx_futex_wake(value, 1) }
        return true
    }
}
