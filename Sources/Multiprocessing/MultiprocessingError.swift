import SystemPackage

/// Why a `Multiprocessing` operation failed: a child that crashed or threw, a closed connection, a timeout, a
/// function that is not registered, a start method that cannot be used.
///
/// ```swift
/// do {
///     let total: Int = try process.value()
/// } catch let error as MultiprocessingError where error.code == .childFailed {
///     print(error.remoteDescription ?? "")   // the description of the error the child threw
/// }
/// ```
public struct MultiprocessingError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure. New codes may be added; switch with a `default` case.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// A short name such as `childFailed`.
        public let description: String

        private init(_ name: String) {
            description = name
        }

        /// A system call failed; ``MultiprocessingError/underlyingError`` says why.
        public static let systemCallFailed = Code("systemCallFailed")
        /// A size, count, index, timeout or name passed in is out of range or malformed (Python's `ValueError`
        /// and `IndexError`); the message names the argument and the values it may take.
        public static let invalidArgument = Code("invalidArgument")
        /// A child could not be started.
        public static let startFailed = Code("startFailed")
        /// The registered function threw in the child; ``MultiprocessingError/remoteDescription`` holds the
        /// error's description.
        public static let childFailed = Code("childFailed")
        /// The child was killed by a signal, crashed, or exited without sending the function's result.
        public static let childDied = Code("childDied")
        /// No function is registered under the requested name (in the child, or in this process).
        public static let functionNotRegistered = Code("functionNotRegistered")
        /// The executable re-run as a child did not call ``bootstrap(_:)-([RegisteredFunction])`` first.
        public static let bootstrapMissing = Code("bootstrapMissing")
        /// The parent and child speak different versions of the handshake.
        public static let protocolMismatch = Code("protocolMismatch")
        /// `fork` was refused because this process has more than one thread.
        public static let forkRefused = Code("forkRefused")
        /// The operation does not fit the process's state (started twice, joined before start, …).
        public static let invalidState = Code("invalidState")
        /// The peer closed its end, or died: end of file on a connection.
        public static let endOfFile = Code("endOfFile")
        /// The connection or queue was closed on this side.
        public static let closed = Code("closed")
        /// A timeout passed.
        public static let timedOut = Code("timedOut")
        /// `get` found the queue empty (non-blocking, or after the timeout), as Python's `queue.Empty`.
        public static let empty = Code("empty")
        /// `put` found the queue full (non-blocking, or after the timeout), as Python's `queue.Full`.
        public static let full = Code("full")
        /// A value could not be encoded or decoded.
        public static let codingFailed = Code("codingFailed")
        /// A message is larger than the channel can carry.
        public static let messageTooLarge = Code("messageTooLarge")
        /// A process died while it held the lock: the lock is free again, but what it guarded may be half-updated.
        /// The acquire that reports this does not hold the lock; check the guarded state and acquire again.
        public static let ownerDied = Code("ownerDied")
        /// A ``Barrier`` was broken: a party timed out, or ``Barrier/abort()`` was called (Python's
        /// `BrokenBarrierError`).
        public static let brokenBarrier = Code("brokenBarrier")
        /// A manager connection did not prove it knows the authkey (or the server did not).
        public static let authenticationFailed = Code("authenticationFailed")
        /// A manager's server process is gone (killed, crashed or shut down), or cannot be reached.
        public static let managerGone = Code("managerGone")
        /// A method called through a manager's proxy failed on the server (Python's `KeyError`, `IndexError`, …);
        /// ``MultiprocessingError/remoteDescription`` says how.
        public static let remoteError = Code("remoteError")
        /// Shared memory was to be created under a name that another block has (Python's `FileExistsError`).
        public static let alreadyExists = Code("alreadyExists")
        /// No shared memory has the name asked for, or no longer (Python's `FileNotFoundError`).
        public static let notFound = Code("notFound")
        /// A message did not fit the buffer it was received into (Python's `BufferTooShort`);
        /// ``MultiprocessingError/receivedMessage`` holds the whole message.
        public static let bufferTooShort = Code("bufferTooShort")
    }

    /// What kind of failure.
    public var code: Code
    /// The system error behind the failure, if there is one.
    public var underlyingError: Errno?
    /// What was being done, such as `cannot start Process-1`.
    public var message: String
    /// For ``Code/childFailed``: the description of the error the child's function threw.
    public var remoteDescription: String?
    /// For ``Code/bufferTooShort``: the message that did not fit, as Python's `BufferTooShort.args[0]`.
    public var receivedMessage: [UInt8]?

    /// Makes an error.
    public init(_ code: Code, _ message: String, underlyingError: Errno? = nil, remoteDescription: String? = nil) {
        self.code = code
        self.message = message
        self.underlyingError = underlyingError
        self.remoteDescription = remoteDescription
    }

    /// The message, then the system error or the child's error.
    public var description: String {
        var text = message
        if let underlyingError { text += ": \(underlyingError) (errno \(underlyingError.rawValue))" }
        if let remoteDescription { text += ": \(remoteDescription)" }
        return text
    }
}
