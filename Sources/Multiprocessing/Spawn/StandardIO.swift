#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// Where a child's standard input, output or error goes.
public enum StandardIO: Sendable {
    /// The child shares this process's descriptor.
    case inherit
    /// The child gets `/dev/null`: reads see end of file, writes are discarded.
    case devNull
    /// A new pipe; the parent's end is available from ``ChildProcess/takeStandardInput()``,
    /// ``ChildProcess/takeStandardOutput()`` or ``ChildProcess/takeStandardError()``.
    case pipe
    /// The child gets a duplicate of this descriptor. The caller keeps ownership and may close it after spawning.
    case descriptor(FileDescriptor)
}
