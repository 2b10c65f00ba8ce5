@testable import Multiprocessing
import Synchronization
import Testing

/// Groups registered lazily are built only when a look-up needs them: a process pays for the functions it uses.
@Suite struct FunctionRegistryTests {
    @Test func aLazyGroupIsBuiltOnlyWhenOneOfItsNamesIsLookedUp() {
        let builds = Atomic<Int>(0)
        let suffix = String(UInt64.random(in: 0...UInt64.max))
        FunctionRegistry.registerLazily {
            builds.add(1, ordering: .relaxed)
            return [ProcessFunction("lazy.one.\(suffix)") { (value: Int) in value }.registration]
        }
        FunctionRegistry.registerLazily {
            builds.add(10, ordering: .relaxed)
            return [ProcessFunction("lazy.two.\(suffix)") { (value: Int) in value + 1 }.registration]
        }
        #expect(builds.load(ordering: .relaxed) == 0, "registering builds nothing")
        #expect(FunctionRegistry.lookUp("lazy.one.\(suffix)")?.name == "lazy.one.\(suffix)")
        #expect(builds.load(ordering: .relaxed) == 1, "only the first group was needed")
        #expect(FunctionRegistry.lookUp("lazy.one.\(suffix)") != nil)
        #expect(builds.load(ordering: .relaxed) == 1, "a group is built once")
        #expect(FunctionRegistry.lookUp("lazy.two.\(suffix)")?.name == "lazy.two.\(suffix)")
        #expect(builds.load(ordering: .relaxed) == 11)
        #expect(FunctionRegistry.lookUp("lazy.none.\(suffix)") == nil)
    }
}
