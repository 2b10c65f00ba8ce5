#if canImport(Glibc)
import Glibc
#endif
import LessonTestSupport
import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    /// CPython's `_TestProcess`.
    struct ProcessConformance {
        // CPython: _TestProcess.test_current
        @Test
        func current() {
            let current = currentProcess()
            #expect(current.name == "MainProcess")
            #expect(current.pid == ProcessID.current)
            #expect(!current.daemon)
            #expect(parentProcess() == nil)
        }

        // CPython: _TestProcess.test_set_executable
        @Test(arguments: [StartMethod.spawn, .forkserver])
        func setExecutable(method: StartMethod) throws {
            _ = workerContext(method)
            defer { finishMethod(method) }
            Multiprocessing.setExecutable(BuiltExecutables.productsFolder.appending("multiprocessing-test-worker"))
            #expect(currentExecutable().lastComponent?.string == "multiprocessing-test-worker")
            let process = Process(target: TestFunctions.square, arguments: 5, context: getContext(method))
            try process.start()
            #expect(try process.value(as: Int.self, timeout: .seconds(10)) == 25)
            #expect(process.exitCode == 0)
        }

        // CPython: _TestProcess.test_args_argument
        @Test(arguments: allMethods)
        func argsArgument(method: StartMethod) throws {
            let seen = try observe(ProcessScenarios.argsArgument, method)
            #expect(seen == ["0": "same", "1": "same", "3": "same"])
        }

        // CPython: _TestProcess.test_daemon_argument
        @Test(arguments: allMethods)
        func daemonArgument(method: StartMethod) throws {
            let seen = try observe(ProcessScenarios.daemonArgument, method)
            #expect(seen == [
                "default": "false", "given": "true", "child.default": "false", "child.given": "true",
            ])
        }

        // CPython: _TestProcess.test_parent_process_attributes
        @Test(arguments: allMethods)
        func parentProcessAttributes(method: StartMethod) throws {
            let seen = try observe(ProcessScenarios.parentProcessAttributes, method)
            #expect(seen == [
                "parent.name": "ours", "parent.pid": "ours",
            ])
        }

        // CPython: _TestProcess.test_process
        @Test(arguments: allMethods)
        func process(method: StartMethod) throws {
            let seen = try observe(ProcessScenarios.process, method)
            #expect(seen == [
                "before": "alive=false daemon=true exitCode=nil active=false",
                "started": "alive=true exitCode=nil active=true",
                "child.name": "its name", "child.pid": "its pid", "child.arguments": "a,b",
                "joined": "alive=false exitCode=0 active=false",
            ])
        }

        // CPython: _TestProcess.test_process (p.name), as BaseProcess.__init__ names a process: `Process-N` when
        // it is created, `Process-N:M` for the M-th child of Process-N.
        @Test(arguments: allMethods)
        func processNames(method: StartMethod) throws {
            let seen = try observe(ProcessScenarios.names, method)
            #expect(seen["children of a child"] == "Process-N:1, Process-N:2")
            #expect(seen["named at creation"] == "true")
            #expect(seen["name kept at start"] == "true")
            #expect(seen["numbered in creation order"] == "true")
        }

        // CPython: _TestProcess.test_terminate
        @Test(arguments: allMethods)
        func terminate(method: StartMethod) throws {
            let seen = try observe(ProcessScenarios.terminate, method)
            #expect(seen == [
                "join.timeout": "false", "join.timing": inTime, "alive": "true", "joined": "true",
                "alive.after": "false", "exitCode": String(-SIGTERM),
            ])
        }

        // CPython: _TestProcess.test_kill
        @Test(arguments: allMethods)
        func kill(method: StartMethod) throws {
            let seen = try observe(ProcessScenarios.kill, method)
            #expect(seen == [
                "join.timeout": "false", "join.timing": inTime, "alive": "true", "joined": "true",
                "alive.after": "false", "exitCode": String(-SIGKILL),
            ])
        }

        // CPython: _TestProcess.test_cpu_count
        @Test
        func cpuCount() {
            #expect(Multiprocessing.cpuCount() >= 1)
        }

        // CPython: _TestProcess.test_active_children
        @Test(arguments: allMethods)
        func activeChildren(method: StartMethod) throws {
            let seen = try observe(ProcessScenarios.activeChildrenScenario, method)
            #expect(seen == [
                "before": "false", "running": "true", "joined": "false",
            ])
        }

        // CPython: _TestProcess.test_recursion
        @Test(arguments: allMethods)
        func recursion(method: StartMethod) throws {
            let seen = try observe(ProcessScenarios.recursion, method)
            #expect(seen == ["exitCode": "0", "ids": "[] [0] [0.0] [0.1] [1] [1.0] [1.1]"])
        }

        // CPython: _TestProcess.test_many_processes
        @Test(arguments: allMethods)
        func manyProcesses(method: StartMethod) throws {
            let terminated = String(-SIGTERM)
            let seen = try observe(ProcessScenarios.manyProcesses, method)
            #expect(seen == [
                "finished": "0,0,0,0,0",
                "terminated": [String](repeating: terminated, count: 5).joined(separator: ","),
            ])
        }
    }
}
