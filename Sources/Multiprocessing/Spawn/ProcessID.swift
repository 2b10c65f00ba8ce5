#if canImport(Glibc)
import Glibc
#endif

/// A process identifier: the kernel's `pid_t`, wrapped so no C type appears in the public API.
///
/// ```swift
/// let me = ProcessID.current
/// print("running as \(me), started by \(ProcessID.parent)")
/// ```
public struct ProcessID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The process identifier, as the C API takes it.
    public var rawValue: Int32

    /// Wraps a process identifier.
    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// This process.
    ///
    /// The corresponding C function is `getpid`.
    public static var current: ProcessID { ProcessID(rawValue: getpid()) }

    /// The parent of this process (`1`, or a subreaper, once the original parent has exited).
    ///
    /// The corresponding C function is `getppid`.
    public static var parent: ProcessID { ProcessID(rawValue: getppid()) }

    /// The decimal number, such as `4242`.
    public var description: String { String(rawValue) }
}
