import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    /// CPython's `_TestSubclassingProcess`: only `test_sys_exit` applies (a process runs a registered function, not
    /// a subclass's `run`).
    struct SubclassingProcessConformance {
        // CPython: _TestSubclassingProcess.test_sys_exit
        @Test(arguments: allMethods)
        func sysExit(method: StartMethod) throws {
            let seen = try observe(ProcessScenarios.sysExit, method)
            #expect(seen == ["1": "1", "0": "0", "8": "8"])
        }
    }
}
