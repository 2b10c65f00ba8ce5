/// Why a ``Pool`` or ``Parallel`` task did not produce its result.
///
/// A task that threw, or whose worker died while running it, fails alone: the other tasks are unaffected, and
/// ``index`` says which item of the input it was.
public struct PoolError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name.
        public let description: String
        private init(_ description: String) { self.description = description }

        /// The task's function threw; its error is in ``PoolError/remoteDescription``.
        public static let taskFailed = Code("taskFailed")
        /// The worker running the task died (killed, crashed, or exited); ``PoolError/status`` says how.
        public static let workerDied = Code("workerDied")
        /// The pool's initializer failed in a worker, so the pool cannot serve.
        public static let initializerFailed = Code("initializerFailed")
        /// The pool was terminated before the task finished.
        public static let terminated = Code("terminated")
        /// The pool is closed (or terminated) and takes no new tasks, or ``Pool/join()`` came before ``Pool/close()``.
        public static let closed = Code("closed")
        /// A result was not ready within the timeout.
        public static let timedOut = Code("timedOut")
        /// A worker could not be started, or a message could not be sent, encoded or decoded.
        public static let systemFailure = Code("systemFailure")
        /// A number of processes, tasks per child, jobs, batch size or chunk size passed in is not positive
        /// (Python's `ValueError`).
        public static let invalidArgument = Code("invalidArgument")
    }

    /// The kind of failure.
    public var code: Code
    /// The index of the failed item in the input (for ``Pool/apply(_:_:)``, 0), when one failed.
    public var index: Int?
    /// What happened, in words.
    public var message: String
    /// The description of the error the task threw in the worker.
    public var remoteDescription: String?
    /// How the worker ended, for ``Code/workerDied``.
    public var status: TerminationStatus?

    /// An error with `code`.
    public init(_ code: Code, _ message: String, index: Int? = nil, remoteDescription: String? = nil,
                status: TerminationStatus? = nil) {
        self.code = code
        self.message = message
        self.index = index
        self.remoteDescription = remoteDescription
        self.status = status
    }

    /// The code, the message, and the task's own error when there is one.
    public var description: String {
        var text = "\(code): \(message)"
        if let remoteDescription { text += ": \(remoteDescription)" }
        return text
    }
}
