import CLinuxShims
#if canImport(Glibc)
import Glibc
#endif

/// The process's standard output and error, as C's stdio buffers them.
///
/// `print` writes into stdio's buffer for stdout, which is flushed only when full if stdout is a pipe. Flush before
/// a process forks, exits with `_exit`, or is about to crash, or what it printed is lost or printed twice.
public enum StandardStreams {
    /// Writes out what stdio holds for stdout and stderr. The corresponding C function is `fflush`.
    public static func flush() {
        _ = lx_flush_standard_streams()
    }

    /// Makes stdout line-buffered, so that lines reach a pipe as they are printed and interleave with stderr in the
    /// order they were written. The corresponding C function is `setvbuf`.
    public static func lineBufferOutput() {
        _ = lx_line_buffer_standard_output()
    }

    /// Writes `text` to stderr at once, after flushing stdout so the two keep their order.
    public static func writeError(_ text: String) {
        flush()
        writeAll(STDERR_FILENO, text)
    }

    /// Writes `text` to stdout at once, after flushing what `print` buffered.
    public static func writeOutput(_ text: String) {
        flush()
        writeAll(STDOUT_FILENO, text)
    }

    /// Writes `bytes` to stdout at once, after flushing what `print` buffered; false when not all of them could be
    /// written (stdout closed or broken).
    @discardableResult
    public static func writeOutput(bytes: [UInt8]) -> Bool {
        flush()
        return bytes.withUnsafeBufferPointer { writeAll(STDOUT_FILENO, $0) }
    }

    @discardableResult
    private static func writeAll(_ descriptor: Int32, _ text: String) -> Bool {
        var text = text
        return text.withUTF8 { writeAll(descriptor, $0) }
    }

    private static func writeAll(_ descriptor: Int32, _ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = buffer.baseAddress else { return true }
        var offset = 0
        while offset < buffer.count {
            let written = write(descriptor, base + offset, buffer.count - offset)
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }
}
