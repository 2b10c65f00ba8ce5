import Multiprocessing

/// A namespace (attributes by name) on the server; also holds a `Value` as its attribute `value`.
final class ServerNamespace: ServerObject {
    let typeid: String
    private var names: [String] = []
    private var attributes: [String: ManagedValue] = [:]

    init(typeid: String) {
        self.typeid = typeid
    }

    private func name(_ arguments: [ManagedValue], _ method: String) throws -> String {
        guard case .string(let name) = try arguments.argument(0, method) else {
            throw ServerMethodError("TypeError: attribute name must be a string")
        }
        return name
    }

    func call(_ method: String, _ arguments: [ManagedValue], monitor: ServerMonitor) throws -> ManagedValue {
        switch method {
        case "__getattr__":
            let name = try name(arguments, method)
            guard let value = attributes[name] else {
                throw ServerMethodError("AttributeError: '\(typeid)' object has no attribute '\(name)'")
            }
            return value
        case "__setattr__":
            let name = try name(arguments, method)
            if attributes[name] == nil { names.append(name) }
            attributes[name] = try arguments.argument(1, method)
            return .none
        case "__delattr__":
            let name = try name(arguments, method)
            guard attributes.removeValue(forKey: name) != nil else {
                throw ServerMethodError("AttributeError: \(name)")
            }
            names.removeAll { $0 == name }
            return .none
        case "__repr__":
            if typeid == "Value" { return .string("Value(\(attributes["value"]?.description ?? "None"))") }
            // As Python's Namespace.__repr__: `_`-prefixed attributes hidden, the `name=value` items sorted.
            let items = names.filter { !$0.hasPrefix("_") }.map { "\($0)=\(attributes[$0]!.description)" }
            return .string("Namespace(" + items.sorted().joined(separator: ", ") + ")")
        default: throw ServerMethodError.noMethod(typeid, method)
        }
    }
}
