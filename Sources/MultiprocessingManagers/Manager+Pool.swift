import Multiprocessing

extension Manager {
    /// A new process pool on the server, as Python's `manager.Pool(processes)`; its workers run functions
    /// registered in the server's executable.
    ///
    /// - Parameter processes: The number of workers (`nil`: the server's number of CPUs). The pools of one
    ///   manager run at most 64 workers together.
    /// - Throws: `MultiprocessingError.Code.invalidArgument` for fewer than 1 process;
    ///   `MultiprocessingError.Code.remoteError` when the server cannot start them, or would run more than 64
    ///   pool workers.
    public func pool(processes: Int? = nil) throws(MultiprocessingError) -> PoolProxy {
        if let processes, processes < 1 {
            throw MultiprocessingError(.invalidArgument, "a pool needs at least 1 process, not \(processes)")
        }
        return PoolProxy(try create("Pool", [processes.map { .int($0) } ?? .none]))
    }
}
