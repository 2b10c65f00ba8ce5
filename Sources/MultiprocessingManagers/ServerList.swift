import Multiprocessing

/// A list on the server.
final class ServerList: ServerObject {
    var typeid: String { "list" }
    private var elements: [ManagedValue] = []

    init(_ elements: [ManagedValue] = []) {
        self.elements = elements
    }

    private func position(_ value: ManagedValue, _ method: String, inserting: Bool = false) throws -> Int {
        guard case .int(var position) = value else {
            throw ServerMethodError("TypeError: list indices must be integers")
        }
        if position < 0 { position += elements.count }
        if inserting { return min(max(position, 0), elements.count) }
        guard elements.indices.contains(position) else {
            throw ServerMethodError("IndexError: list index out of range")
        }
        return position
    }

    func call(_ method: String, _ arguments: [ManagedValue], monitor: ServerMonitor) throws -> ManagedValue {
        switch method {
        case "__getitem__": return elements[try position(try arguments.argument(0, method), method)]
        case "__setitem__":
            elements[try position(try arguments.argument(0, method), method)] = try arguments.argument(1, method)
            return .none
        case "__delitem__":
            elements.remove(at: try position(try arguments.argument(0, method), method))
            return .none
        case "append":
            elements.append(try arguments.argument(0, method))
            return .none
        case "extend":
            guard case .list(let more) = try arguments.argument(0, method) else {
                throw ServerMethodError("TypeError: extend takes a list")
            }
            elements += more
            return .none
        case "insert":
            elements.insert(try arguments.argument(1, method),
                            at: try position(try arguments.argument(0, method), method, inserting: true))
            return .none
        case "remove":
            let value = try arguments.argument(0, method)
            guard let found = elements.firstIndex(of: value) else {
                throw ServerMethodError("ValueError: list.remove(x): x not in list")
            }
            elements.remove(at: found)
            return .none
        case "pop":
            guard !elements.isEmpty else { throw ServerMethodError("IndexError: pop from empty list") }
            let at = arguments.isEmpty ? elements.count - 1 : try position(arguments[0], method)
            return elements.remove(at: at)
        case "index":
            let value = try arguments.argument(0, method)
            guard let found = elements.firstIndex(of: value) else {
                throw ServerMethodError("ValueError: \(value) is not in list")
            }
            return .int(found)
        case "count": return .int(elements.count { $0 == (try? arguments.argument(0, method)) })
        case "reverse":
            elements.reverse()
            return .none
        case "sort":
            if let first = elements.first, !elements.allSatisfy({ ManagedValue.areOrderable(first, $0) }) {
                throw ServerMethodError("TypeError: '<' not supported between the list's elements")
            }
            elements.sort()
            if arguments.first == .bool(true) { elements.reverse() }
            return .none
        case "__len__": return .int(elements.count)
        case "__contains__": return .bool(elements.contains(try arguments.argument(0, method)))
        case "copy": return .list(elements)
        case "clear":
            elements = []
            return .none
        case "__repr__": return .string(ManagedValue.list(elements).description)
        default: throw ServerMethodError.noMethod(typeid, method)
        }
    }
}
