import Multiprocessing

/// A dict on the server, in insertion order as Python's.
final class ServerDict: ServerObject {
    var typeid: String { "dict" }
    private var keys: [ManagedValue] = []
    private var values: [ManagedValue] = []
    private var index: [ManagedValue: Int] = [:]

    private func set(_ key: ManagedValue, _ value: ManagedValue) {
        if let position = index[key] {
            values[position] = value
        } else {
            index[key] = keys.count
            keys.append(key)
            values.append(value)
        }
    }

    private func remove(_ key: ManagedValue) -> ManagedValue? {
        guard let position = index.removeValue(forKey: key) else { return nil }
        keys.remove(at: position)
        let value = values.remove(at: position)
        for later in position..<keys.count { index[keys[later]] = later }
        return value
    }

    func call(_ method: String, _ arguments: [ManagedValue], monitor: ServerMonitor) throws -> ManagedValue {
        switch method {
        case "__getitem__":
            let key = try arguments.argument(0, method)
            guard let position = index[key] else { throw ServerMethodError("KeyError: \(key)") }
            return values[position]
        case "get":
            let found = index[try arguments.argument(0, method)].map { values[$0] }
            return found ?? (arguments.count > 1 ? arguments[1] : .none)
        case "__setitem__":
            set(try arguments.argument(0, method), try arguments.argument(1, method))
            return .none
        case "__delitem__":
            let key = try arguments.argument(0, method)
            guard remove(key) != nil else { throw ServerMethodError("KeyError: \(key)") }
            return .none
        case "pop":
            let key = try arguments.argument(0, method)
            if let value = remove(key) { return value }
            if arguments.count > 1 { return arguments[1] }
            throw ServerMethodError("KeyError: \(key)")
        case "popitem":
            // Python's dict.popitem(): the last inserted pair (LIFO), or KeyError when empty.
            guard let key = keys.last, let value = remove(key) else {
                throw ServerMethodError("KeyError: 'popitem(): dictionary is empty'")
            }
            return .list([key, value])
        case "keys": return .list(keys)
        case "values": return .list(values)
        case "items", "copy": return .dict(zip(keys, values).map { ManagedPair($0, $1) })
        case "__len__": return .int(keys.count)
        case "__contains__": return .bool(index[try arguments.argument(0, method)] != nil)
        case "clear":
            keys = []
            values = []
            index = [:]
            return .none
        case "update":
            guard case .dict(let pairs) = try arguments.argument(0, method) else {
                throw ServerMethodError("TypeError: update takes a dict")
            }
            for pair in pairs { set(pair.key, pair.value) }
            return .none
        case "__repr__":
            return .string(ManagedValue.dict(zip(keys, values).map { ManagedPair($0, $1) }).description)
        default: throw ServerMethodError.noMethod(typeid, method)
        }
    }
}
