// The scenarios of CPython's `_TestNamespace`, `_TestContainers` and `_TestRemoteManager`: the manager's server
// is started with the scenario's start method.
#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing
import MultiprocessingManagers

public enum ManagerScenarios {
    /// Appends to a list proxy it is given: a proxy passed to a child reaches the same object.
    public static let appendInChild = ProcessFunction("conformance.manager.append") {
        (list: ListProxy<Int>) -> Empty in
        try list.append(99)
        return Empty()
    }

    // CPython: _TestNamespace.test_namespace
    public static let namespace = Scenario("conformance.manager.namespace") { method in
        try withManager(context: context(method)) { manager in
            var seen = Observations()
            let namespace = try manager.namespace()
            try namespace.set("name", "Bob")
            try namespace.set("job", "Builder")
            try namespace.set("_hidden", "hidden")
            seen["name, job"] = "\(try namespace.get("name")), \(try namespace.get("job"))"
            try namespace.delete("job")
            seen["str"] = "\(namespace)"
            seen["has name"] = errorCode { _ = try namespace.get("name") }
            seen["has job"] = errorCode { _ = try namespace.get("job") }
            let sorted = try manager.namespace()
            try sorted.set("b", 2)
            try sorted.set("a", 1)
            seen["str.sorted"] = "\(sorted)"
            return seen
        }
    }

    // CPython: _TestContainers.test_dict
    public static let dict = Scenario("conformance.manager.dict") { method in
        try withManager(context: context(method)) { manager in
            let dict = try manager.dict(as: DictProxy<Int, String>.self)
            let indices = Array(65..<70)
            for index in indices { try dict.set(index, String(UnicodeScalar(UInt8(index)))) }
            let letters = indices.map { String(UnicodeScalar(UInt8($0))) }
            let items = try dict.items()
            return ["keys": "\(try dict.keys().sorted() == indices)",
                    "values": "\(try dict.values().sorted() == letters)",
                    "items": "\(items.map(\.key) == indices && items.map(\.value) == letters)",
                    "count": "\(try dict.count())", "str": "\(dict)"]
        }
    }

    // CPython: _TestContainers.test_list
    public static let list = Scenario("conformance.manager.list") { method in
        try withManager(context: context(method)) { manager in
            var seen = Observations()
            let numbers: ListProxy<Int> = try manager.list(Array(0..<10))
            seen["a[:]"] = "\(try numbers.elements())"
            let other: ListProxy<Int> = try manager.list([Int]())
            seen["b[:]"] = "\(try other.elements())"
            try other.extend(Array(0..<5))
            seen["b extended"] = "\(try other.elements())"
            seen["b[2]"] = "\(try other[2])"
            seen["b[-1]"] = "\(try other[-1])"
            seen["len(b)"] = "\(try other.count())"
            seen["str(b)"] = "\(other)"
            let child = Process(target: appendInChild, arguments: other, context: context(method))
            try child.start()
            seen["child"] = try exitCode(of: child)
            seen["b after child"] = "\(try other.elements())"
            return seen
        }
    }

    // CPython: _TestRemoteManager.test_remote
    public static let remote = Scenario("conformance.manager.remote") { method in
        let key = Array("a secret".utf8)
        return try withManager(address: .tcp(host: "127.0.0.1", port: 0), authkey: key, context: context(method)) {
            manager in
            let values: [ManagedValue] = ["hello world", nil, true, 2.25, "hall\u{e5} v\u{e4}rlden",
                                          "\u{43f}\u{440}\u{438}\u{432}\u{456}\u{442} \u{441}\u{432}\u{456}\u{442}"]
            try manager.queue(name: "queue").put(.list(values))
            let other = try Manager.connect(to: manager.address, authkey: key)
            let got = try other.queue(name: "queue").get(timeout: .seconds(5))
            let wrongKey = errorCode { _ = try Manager.connect(to: manager.address, authkey: Array("wrong".utf8)) }
            return ["received": "\(got == .list(values))", "wrong authkey": wrongKey]
        }
    }

    public static let all: [RegisteredFunction] = [
        appendInChild.registration, namespace.registration, dict.registration, list.registration, remote.registration,
    ]
}
