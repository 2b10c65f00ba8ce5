#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// The parent side of a ``Pool``: its workers, the chunks waiting or in flight, and the finished ones.
///
/// There is no background thread: whichever call waits for a result (``Pool/map(_:_:chunksize:)``, an iterator's
/// `next()`, ``AsyncResult/get(timeout:)``, ``Pool/join()``) drives the loop in ``pump(until:)``, holding
/// ``lock``. The loop polls every worker's connection *and* its exit descriptor (a pidfd), so a worker's death
/// wakes it at once: the chunk it was running fails with the worker's exit code or signal, the chunks queued
/// behind it go back to the queue, and a new worker takes its place.
///
/// Every member is called with ``lock`` held.
final class PoolEngine: @unchecked Sendable {
    /// A chunk: consecutive items of one job, run by one worker in one message.
    struct Chunk {
        var id: Int
        var function: String
        var arguments: [UInt8]
        /// Duplicates of the descriptors of the resources among the arguments, held until the chunk is done (it
        /// goes to another worker when its worker dies).
        var descriptors: DescriptorBundle?
        /// The index of the chunk's first item in its job's input.
        var start: Int
        var count: Int
    }

    /// What became of a chunk.
    enum Finished: Sendable {
        case outcome([UInt8])
        case failed(PoolError)
    }

    struct Worker {
        var process: Process
        var connection: Connection
        var exitDescriptor: Int32
        var controlDescriptor: Int32
        /// The chunks sent and not answered, oldest first: the first is the one running.
        var inFlight: [Chunk] = []
        var sent = 0
    }

    enum State { case running, closed, terminated }

    let lock = _PthreadLock()
    let processes: Int
    let initializer: PoolTask?
    let maxTasksPerChild: Int?
    let context: Context
    var workers: [Worker?]
    var queue: [Chunk] = []
    var queueHead = 0
    var finished: [Int: Finished] = [:]
    var nextChunkID = 0
    var state = State.running
    var broken: PoolError?
    /// How long each finished chunk took in its worker, from send to reply, for ``Parallel``'s batching.
    var durations: [Int: Duration] = [:]
    var sendTimes: [Int: ContinuousClock.Instant] = [:]
    var recordDurations = false
    private var workerCount = 0

    init(processes: Int, initializer: PoolTask?, maxTasksPerChild: Int?, context: Context) throws(PoolError) {
        self.processes = processes
        self.initializer = initializer
        self.maxTasksPerChild = maxTasksPerChild
        self.context = context
        self.workers = Array(repeating: nil, count: processes)
        for slot in 0..<processes {
            do {
                workers[slot] = try startWorker()
            } catch {
                terminate()
                throw error
            }
        }
    }

    private func startWorker() throws(PoolError) -> Worker {
        do {
            // Socket-only: `pump` waits on every worker's socket and exit descriptor at once.
            let (here, there) = try _makePipe(duplex: true, sharedMemory: false)
            workerCount += 1
            let setup = PoolWorker.Setup(connection: there, initializer: initializer, maxTasks: maxTasksPerChild)
            let process = Process(target: PoolWorker.loop, arguments: setup, name: "PoolWorker-\(workerCount)",
                                  daemon: true, context: context)
            try process.start()
            return Worker(process: process, connection: here, exitDescriptor: process.exitDescriptor?.rawValue ?? -1,
                          controlDescriptor: try here.withDescriptor { $0.rawValue })
        } catch {
            throw PoolError(.systemFailure, "cannot start a pool worker: \(error)")
        }
    }

    // MARK: Submitting

    /// Queues a chunk and returns its ID; sends it at once if a worker is free.
    func submit(function: String, arguments: [UInt8], descriptors: DescriptorBundle? = nil, start: Int, count: Int)
        throws(PoolError) -> Int {
        if let broken { throw broken }
        guard state == .running else { throw PoolError(.closed, "the pool is closed and takes no new tasks") }
        let id = nextChunkID
        nextChunkID += 1
        queue.append(Chunk(id: id, function: function, arguments: arguments, descriptors: descriptors, start: start,
                           count: count))
        dispatch()
        return id
    }

    /// Whether any chunk is queued or in flight.
    var isBusy: Bool {
        queueHead < queue.count || workers.contains { !($0?.inFlight.isEmpty ?? true) }
    }

    /// Sends queued chunks to workers with room: two chunks per worker, so that a worker never waits for the next
    /// message, unless the chunk is large (a worker then holds one, so that neither side can block the other on a
    /// full socket).
    ///
    /// Two rounds: every worker gets one chunk before any gets a second, so that two long tasks on two workers run
    /// side by side.
    private func dispatch() {
        for depth in 1...2 {
            for slot in workers.indices where queueHead < queue.count {
                dispatch(to: slot, depth: depth)
            }
        }
        if queueHead > 1024, queueHead * 2 > queue.count {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
    }

    private func dispatch(to slot: Int, depth: Int) {
        guard var worker = workers[slot] else { return }
        while queueHead < queue.count {
            let chunk = queue[queueHead]
            let limit = chunk.arguments.count > 32 * 1024 ? 1 : depth
            if worker.inFlight.count >= limit { break }
            if let maxTasksPerChild, worker.sent >= maxTasksPerChild { break }
            queueHead += 1
            do {
                try worker.connection.send(PoolTask(id: chunk.id, function: chunk.function,
                                                    arguments: chunk.arguments, descriptors: chunk.descriptors))
            } catch {
                // The worker is gone: the chunk goes back, and its death is seen by the poll.
                queueHead -= 1
                queue[queueHead] = chunk
                break
            }
            // The queue's copy no longer holds the descriptors: the chunk in flight does, until it is done.
            queue[queueHead - 1].descriptors = nil
            if recordDurations { sendTimes[chunk.id] = ContinuousClock.now }
            worker.inFlight.append(chunk)
            worker.sent += 1
        }
        workers[slot] = worker
    }

    // MARK: Waiting

    /// Runs the loop until `done()` holds or `deadline` passes; returns whether `done()` holds.
    func pump(until deadline: ContinuousClock.Instant? = nil, _ done: () -> Bool) -> Bool {
        while !done() {
            if state == .terminated || (!isBusy && broken == nil) { return done() }
            if broken != nil { return done() }
            var entries: [pollfd] = []
            var slots: [Int] = []
            for (slot, worker) in workers.enumerated() {
                guard let worker else { continue }
                entries.append(pollfd(fd: worker.controlDescriptor, events: Int16(POLLIN), revents: 0))
                entries.append(pollfd(fd: worker.exitDescriptor, events: Int16(POLLIN), revents: 0))
                slots.append(slot)
            }
            let milliseconds = deadline.map { _milliseconds(rounding: ContinuousClock.now.duration(to: $0)) } ?? -1
            if let deadline, ContinuousClock.now >= deadline { return done() }
            let ready = Glibc.poll(&entries, nfds_t(entries.count), milliseconds)
            if ready < 0 { continue }
            if ready == 0 { return done() }
            for (position, slot) in slots.enumerated() where entries[2 * position].revents != 0 {
                receive(slot)
            }
            for (position, slot) in slots.enumerated() where entries[2 * position + 1].revents != 0 {
                if workers[slot] != nil { workerEnded(slot) }
            }
            dispatch()
        }
        return true
    }

    /// Reads the replies waiting on a worker's connection; end of file means the worker is ending.
    private func receive(_ slot: Int) {
        guard var worker = workers[slot] else { return }
        repeat {
            let reply: PoolReply
            do {
                reply = try worker.connection.recv(PoolReply.self)
            } catch {
                workers[slot] = worker
                workerEnded(slot)
                return
            }
            if reply.id == PoolReply.initializerID {
                broken = PoolError(.initializerFailed, "the pool's initializer failed in \(worker.process.name)",
                                   remoteDescription: reply.error)
                workers[slot] = worker
                failEverything(with: broken!)
                return
            }
            guard let position = worker.inFlight.firstIndex(where: { $0.id == reply.id }) else { continue }
            let chunk = worker.inFlight.remove(at: position)
            if let start = sendTimes.removeValue(forKey: chunk.id) { durations[chunk.id] = start.duration(to: .now) }
            if let error = reply.error {
                let items = "items \(chunk.start)..<\(chunk.start + chunk.count)"
                finished[chunk.id] = .failed(PoolError(.taskFailed, "\(items) failed in \(worker.process.name)",
                                                       index: chunk.start, remoteDescription: error))
            } else {
                finished[chunk.id] = .outcome(reply.outcome)
            }
        } while (try? worker.connection.poll(timeout: .zero)) == true
        workers[slot] = worker
    }

    /// A worker's exit descriptor is readable, or its connection reached end of file: reap it, fail the chunk it
    /// was running, put the others back in the queue, and start a replacement.
    private func workerEnded(_ slot: Int) {
        guard var worker = workers[slot] else { return }
        // Replies sent just before the end are still in the socket.
        while (try? worker.connection.poll(timeout: .zero)) == true,
              let reply = try? worker.connection.recv(PoolReply.self) {
            guard let position = worker.inFlight.firstIndex(where: { $0.id == reply.id }) else { continue }
            let chunk = worker.inFlight.remove(at: position)
            finished[chunk.id] = reply.error.map {
                .failed(PoolError(.taskFailed, "items \(chunk.start)..<\(chunk.start + chunk.count) failed",
                                  index: chunk.start, remoteDescription: $0))
            } ?? .outcome(reply.outcome)
        }
        workers[slot] = nil
        worker.connection.close()
        _ = try? worker.process.join(timeout: .seconds(5))
        if !worker.inFlight.isEmpty {
            let lost = worker.inFlight.removeFirst()
            let status = worker.process.terminationStatus
            let how = status.map { "\($0)" } ?? "an unknown status"
            let items = lost.count == 1 ? "item \(lost.start)" : "items \(lost.start)..<\(lost.start + lost.count)"
            finished[lost.id] = .failed(PoolError(
                .workerDied, "\(worker.process.name) ended with \(how) while running \(items)", index: lost.start,
                status: status))
            sendTimes[lost.id] = nil
            // The chunks it had not started go back to the front of the queue.
            queue.insert(contentsOf: worker.inFlight, at: queueHead)
        }
        if state != .terminated, broken == nil {
            do {
                workers[slot] = try startWorker()
            } catch {
                broken = error
                failEverything(with: error)
            }
        }
    }

    /// Fails every queued and in-flight chunk.
    private func failEverything(with error: PoolError) {
        for chunk in queue[queueHead...] {
            finished[chunk.id] = .failed(PoolError(error.code, error.message, index: chunk.start,
                                                   remoteDescription: error.remoteDescription))
        }
        queue.removeAll()
        queueHead = 0
        for slot in workers.indices {
            guard var worker = workers[slot] else { continue }
            for chunk in worker.inFlight {
                finished[chunk.id] = .failed(PoolError(error.code, error.message, index: chunk.start,
                                                       remoteDescription: error.remoteDescription))
            }
            worker.inFlight.removeAll()
            workers[slot] = worker
        }
    }

    /// Takes a finished chunk's outcome, pumping until it is there or `deadline` passes (`nil` then).
    func take(_ id: Int, deadline: ContinuousClock.Instant? = nil) -> Finished? {
        _ = pump(until: deadline) { finished[id] != nil }
        return finished.removeValue(forKey: id)
    }

    // MARK: Ending

    /// Closes every connection (workers read end of file and exit) and joins them.
    func joinWorkers() {
        for slot in workers.indices {
            guard let worker = workers[slot] else { continue }
            worker.connection.close()
        }
        for slot in workers.indices {
            guard let worker = workers[slot] else { continue }
            _ = try? worker.process.join()
            workers[slot] = nil
        }
    }

    /// Stops every worker now (`SIGTERM`, then `SIGKILL` after 100 ms) and fails what is unfinished.
    func terminate() {
        guard state != .terminated else { return }
        state = .terminated
        failEverything(with: PoolError(.terminated, "the pool was terminated before the task finished"))
        let live = workers.compactMap { $0 }
        for worker in live { try? worker.process.terminate() }
        for worker in live {
            if (try? worker.process.join(timeout: .milliseconds(100))) != true {
                try? worker.process.kill()
                _ = try? worker.process.join()
            }
            worker.connection.close()
        }
        workers = workers.map { _ in nil }
    }
}
