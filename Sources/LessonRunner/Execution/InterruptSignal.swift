import Multiprocessing
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Turns SIGINT and SIGTERM into a latched flag and a readable descriptor, so that a runner waiting in `poll` on a
/// cell can end the cell's whole process tree before it exits itself.
///
/// Without it, Control-C during `lesson run` kills the runner at once: the cell's child dies with it (it asked for
/// `PR_SET_PDEATHSIG`), but the child's own children would be orphaned. With it, the running cell is ended like a
/// timed-out one, the run stops, and the tool exits with 128 + the signal's number.
///
/// The handler only stores the signal number and writes one byte to a pipe, both async-signal-safe. The pipe is
/// never drained: once interrupted, every later `poll` on it returns at once.
public enum InterruptSignal {
    /// Installs handlers for SIGINT and SIGTERM. Idempotent.
    ///
    /// The corresponding C functions are `pipe` and `sigaction`.
    public static func install() {
        installation.withLock { installed in
            guard !installed else { return }
            var descriptors: [Int32] = [-1, -1]
            guard pipe(&descriptors) == 0 else { return }
            for descriptor in descriptors {
                _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
                _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            }
            readDescriptor.store(descriptors[0], ordering: .releasing)
            writeDescriptor.store(descriptors[1], ordering: .releasing)
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in
                receivedSignal.store(signal, ordering: .releasing)
                var byte: UInt8 = 1
                _ = write(writeDescriptor.load(ordering: .acquiring), &byte, 1)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(SIGINT, &action, nil)
            sigaction(SIGTERM, &action, nil)
            installed = true
        }
    }

    /// A descriptor that becomes readable when a signal arrives, or nil before ``install()``.
    public static var descriptor: Int32? {
        let descriptor = readDescriptor.load(ordering: .acquiring)
        return descriptor >= 0 ? descriptor : nil
    }

    /// The last signal received since ``install()``, if any.
    public static var received: Signal? {
        let signal = receivedSignal.load(ordering: .acquiring)
        return signal > 0 ? Signal(rawValue: signal) : nil
    }

    private static let installation = Mutex(false)
}

// The handler cannot capture context, so its state lives in globals; lock-free atomics are async-signal-safe.
private let readDescriptor = Atomic<Int32>(-1)
private let writeDescriptor = Atomic<Int32>(-1)
private let receivedSignal = Atomic<Int32>(0)
