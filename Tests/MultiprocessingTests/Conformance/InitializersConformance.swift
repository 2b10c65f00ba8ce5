import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    /// CPython's `TestInitializers`.
    struct InitializersConformance {
        // CPython: TestInitializers.test_pool_initializer
        @Test(arguments: allMethods)
        func poolInitializer(method: StartMethod) throws {
            let seen = try observe(PoolScenarios.initializer, method)
            #expect(seen == ["greeting": "initialized"])
        }
    }
}
