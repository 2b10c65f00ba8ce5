import Synchronization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// Ends a running cell early from another thread: a pipe whose read end the cell's output pump watches.
///
/// Fired, it makes ``CellExecutor/execute(demo:arguments:timeout:stop:onOutput:)`` end the cell's whole process
/// tree as a timeout does, and the result's status is ``CellStatus/stopped``. Firing before the cell starts
/// stops it as soon as it does; firing twice is harmless.
public final class CellStop: Sendable {
    private let readEnd: Int32
    private let writeEnd: Int32
    private let fired = Atomic(false)

    /// A stop that has not been fired.
    ///
    /// - Throws: The `Errno` of `pipe` when the process is out of descriptors.
    public init() throws {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw Errno(rawValue: errno) }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    /// The descriptor that becomes readable once the stop is fired.
    var descriptor: Int32 { readEnd }

    /// Whether ``fire()`` was called.
    public var isFired: Bool { fired.load(ordering: .acquiring) }

    /// Stops the cell (or the next one run with this stop).
    public func fire() {
        guard !fired.exchange(true, ordering: .acquiringAndReleasing) else { return }
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }
}
