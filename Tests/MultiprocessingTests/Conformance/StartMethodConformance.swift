import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    /// CPython's `TestStartMethod`.
    struct StartMethodConformance {
        // CPython: TestStartMethod.test_context (check_context: the child's get_start_method())
        @Test(arguments: allMethods)
        func context(method: StartMethod) throws {
            let seen = try observe(ProcessScenarios.startMethodInChild, method)
            #expect(seen["child"] == method.rawValue)
        }

        // CPython: TestStartMethod.test_set_get
        @Test
        func setGet() {
            defer { setStartMethod(.spawn) }
            for method in StartMethod.allCases {
                setStartMethod(method)
                #expect(Context.default.startMethod == method)
                #expect(getContext().startMethod == method)
                #expect(getContext(.spawn).startMethod == .spawn)
            }
        }

        // CPython: TestStartMethod.test_get_all
        @Test
        func getAll() {
            #expect(Set(StartMethod.allCases) == [.spawn, .fork, .forkserver])
            #expect(StartMethod.allCases.first == Context.default.startMethod)
        }
    }
}
