import DemoHosting
import Multiprocessing
import SystemPackage

extension CellExecutor {
    /// How the host that forks this executor's cells is started: as a cell would be, without a demo.
    var serverConfiguration: SpawnConfiguration { configuration(arguments: [], environment: [:]) }

    /// Runs a demo in a cell forked by the host's cell server (``CellStart/forkedFromHost``); nil when the host
    /// does not serve cells, so that the caller executes it instead.
    func executeForked(
        demo: String, arguments: [String], timeout: Duration, stop: CellStop?,
        onOutput: ((OutputStream, ArraySlice<UInt8>) -> Void)?
    ) -> DemoExecution? {
        let clock = ContinuousClock()
        let start = clock.now
        let request = CellServerProtocol.Request(demo: demo, arguments: arguments, environment: [:])
        // A server that died is replaced once.
        for _ in 0..<2 {
            guard let server = CellServers.reserve(for: serverConfiguration) else { return nil }
            defer { server.finished() }
            var pipes: [(readEnd: FileDescriptor, writeEnd: FileDescriptor)] = []
            while pipes.count < 3, case .success(let pipe) = _pipe() { pipes.append(pipe) }
            guard pipes.count == 3 else {
                for pipe in pipes { [pipe.readEnd, pipe.writeEnd].forEach(_close) }
                return failure("cannot start a cell in \(executable): no descriptors left", start: start, timeout)
            }
            let (output, errors, report) = (pipes[0], pipes[1], pipes[2])
            let served: ServedCell
            do {
                defer { [output.writeEnd, errors.writeEnd, report.writeEnd].forEach(_close) }
                served = try server.start(
                    request, output: output.writeEnd, error: errors.writeEnd, report: report.writeEnd)
            } catch {
                [output.readEnd, errors.readEnd, report.readEnd].forEach(_close)
                switch error {
                case .gone:
                    CellServers.discard(server)
                    continue
                case .refused(let reason):
                    return failure("cannot start a cell in \(executable): \(reason)", start: start, timeout)
                }
            }
            defer {
                served.close()
                _close(report.readEnd)
            }
            let processID = served.processID()

            var pump = OutputPump(limit: outputLimit, onOutput: onOutput)
            pump.add(output.readEnd, as: .stdout)
            pump.add(errors.readEnd, as: .stderr)
            defer { pump.closeAll() }
            let ending = pump.pump(
                until: start + timeout, exitDescriptor: served.processDescriptor,
                interruptDescriptor: InterruptSignal.descriptor, stopDescriptor: stop?.descriptor, clock: clock)
            var strays = 0
            if ending != .exited {
                // As a timeout ends an executed cell: SIGTERM, then SIGKILL after the grace. The cell is the first
                // process of its namespace, so the kernel ends the rest of it when it exits; what it ends that way
                // is counted here first, as an executed cell's teardown counts it.
                strays = processID.map(ProcessTable.livingDescendants(of:)) ?? 0
                served.send(.terminate)
                if !served.waitForExit(terminationGrace) {
                    served.send(.kill)
                    _ = served.waitForExit(.seconds(10))
                }
            }
            // The host reaps the cell only once every process of its namespace is gone, so every writer is gone
            // when the status arrives.
            let status = served.termination(timeout: .seconds(10))
            pump.pump(until: clock.now + .milliseconds(250), exitDescriptor: nil, clock: clock)
            let reported = CellReport.read(report.readEnd)
            let termination = reported.termination(status)
            var launchFailure: String?
            if termination == nil {
                CellServers.discard(server)
                launchFailure = "the demo host \(executable) that forked the cell ended while the cell ran"
            }
            return DemoExecution(
                output: pump.output, termination: termination, timedOut: ending == .deadline, timeout: timeout,
                duration: clock.now - start, strayProcessesEnded: strays + reported.strays, launchFailure: launchFailure,
                processID: processID, interruption: ending == .interrupted ? InterruptSignal.received : nil,
                stopped: ending == .stopped)
        }
        return nil
    }

    private func failure(_ text: String, start: ContinuousClock.Instant, _ timeout: Duration) -> DemoExecution {
        DemoExecution(
            output: CapturedOutput(), termination: nil, timedOut: false, timeout: timeout,
            duration: ContinuousClock.now - start, strayProcessesEnded: 0, launchFailure: text, processID: nil,
            interruption: nil)
    }

    /// The process ids of the hosts that fork this executor's cells (one per cell that ran at the same time).
    package var cellServerProcessIDs: [Int32] { CellServers.running(for: serverConfiguration) }

    /// Stops the hosts that fork this executor's cells, if any run, once their cells have ended; the next cell
    /// starts another.
    package func stopCellServer() {
        CellServers.stop(for: serverConfiguration)
    }
}
