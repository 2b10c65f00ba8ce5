/// The loop a ``Pool``'s worker runs: a registered function that ``bootstrap(_:)`` registers in every program.
///
/// Protocol, over one socket pair: the pool sends a ``PoolTask`` (a chunk: a function's name and an encoded array
/// of arguments), the worker answers with a ``PoolReply`` of the same ID (each item's result or error), and reads
/// the next. End of file (the pool closed its end) ends the loop; so does the task limit (`maxTasksPerChild`),
/// after the last reply. A worker that dies is seen by the pool through its exit descriptor.
///
/// Resources among a task's arguments (a ``Lock``, a ``SharedValue``, …) travel with the task: their descriptors,
/// duplicated when the task was submitted, are a ``DescriptorBundle`` in the ``PoolTask``, sent with `SCM_RIGHTS`
/// (see ``Connection``). The initializer's are passed to every worker with its start, replacements included.
enum PoolWorker {
    /// What a worker is started with.
    struct Setup: Codable, Sendable {
        var connection: Connection
        var initializer: PoolTask?
        var maxTasks: Int?
    }

    static let loop = ProcessFunction("multiprocessing.pool.worker") { (setup: Setup) -> Empty in
        let connection = setup.connection
        if let initializer = setup.initializer {
            let reply = run(initializer)
            if reply.error != nil || reply.outcome.first != 0 {
                _ = try? connection.send(PoolReply(id: PoolReply.initializerID, outcome: reply.outcome,
                                                   error: reply.error ?? "the initializer threw"))
                return Empty()
            }
        }
        var done = 0
        while setup.maxTasks.map({ done < $0 }) ?? true {
            guard let task = try? connection.recv(PoolTask.self) else { break }
            var reply = run(task)
            reply.id = task.id
            do { try connection.send(reply) } catch { break }
            done += 1
        }
        return Empty()
    }

    /// Runs a chunk; an error here (unknown function, undecodable arguments) fails the whole chunk.
    static func run(_ task: PoolTask) -> PoolReply {
        guard let function = FunctionRegistry.lookUp(task.function) else {
            return PoolReply(id: task.id, outcome: [], error: "no function named '\(task.function)' is registered "
                + "in the worker's executable: pass it to bootstrap(_:)")
        }
        let transfer = task.descriptors?.transfer() ?? DescriptorTransfer()
        defer { transfer.closeUntaken() }
        do {
            return PoolReply(id: task.id, outcome: try function.invokeChunk(task.arguments, transfer), error: nil)
        } catch {
            return PoolReply(id: task.id, outcome: [], error: "\(error)")
        }
    }
}

/// A chunk sent to a worker.
struct PoolTask: Codable, Sendable {
    var id: Int
    var function: String
    var arguments: [UInt8]
    /// The descriptors of the resources among the arguments, if any.
    var descriptors: DescriptorBundle? = nil
}

/// A worker's answer to a ``PoolTask``: an encoded ``ChunkOutcome``, or why the whole chunk failed.
struct PoolReply: Codable, Sendable {
    /// The ID of the reply a failed initializer sends.
    static let initializerID = -1

    var id: Int
    var outcome: [UInt8]
    var error: String?
}
