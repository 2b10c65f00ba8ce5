import Multiprocessing
import MultiprocessingManagers
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    /// CPython's `_TestNamespace`, `_TestContainers` (dict and list) and `_TestRemoteManager`: the manager's
    /// server starts with each start method.
    struct ManagerConformance {
        // CPython: _TestNamespace.test_namespace
        @Test(arguments: allMethods)
        func namespace(method: StartMethod) throws {
            let seen = try observe(ManagerScenarios.namespace, method)
            #expect(seen["name, job"] == "'Bob', 'Builder'")
            #expect(seen["has name"] == "no error")
            #expect(seen["has job"] == "remoteError")
            #expect(seen["str"] == "Namespace(name='Bob')")
            #expect(seen["str.sorted"] == "Namespace(a=1, b=2)")
        }

        // CPython: _TestContainers.test_dict
        @Test(arguments: allMethods)
        func dict(method: StartMethod) throws {
            let seen = try observe(ManagerScenarios.dict, method)
            #expect(seen == [
                "keys": "true", "values": "true", "items": "true", "count": "5",
                "str": "{65: 'A', 66: 'B', 67: 'C', 68: 'D', 69: 'E'}",
            ])
        }

        // CPython: _TestContainers.test_list
        @Test(arguments: allMethods)
        func list(method: StartMethod) throws {
            let seen = try observe(ManagerScenarios.list, method)
            #expect(seen == [
                "a[:]": "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]", "b[:]": "[]", "b extended": "[0, 1, 2, 3, 4]",
                "b[2]": "2", "b[-1]": "4", "len(b)": "5", "str(b)": "[0, 1, 2, 3, 4]", "child": "0",
                "b after child": "[0, 1, 2, 3, 4, 99]",
            ])
        }

        // CPython: _TestRemoteManager.test_remote (and a client with the wrong authkey, as
        // OtherTest.test_answer_challenge_auth_failure)
        @Test(arguments: allMethods)
        func remote(method: StartMethod) throws {
            let seen = try observe(ManagerScenarios.remote, method)
            #expect(seen == [
                "received": "true", "wrong authkey": "authenticationFailed",
            ])
        }
    }
}
