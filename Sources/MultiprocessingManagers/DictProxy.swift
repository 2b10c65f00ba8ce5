import Multiprocessing

/// A dict held by a ``Manager``'s server, as Python's `manager.dict()`: keys and values of any `Codable` types
/// (`ManagedValue` for Python's mixed dicts), in insertion order. Printing it prints its contents.
///
/// ```swift
/// let squares: DictProxy<Int, Int> = try manager.dict()
/// try squares.set(3, 9)
/// try squares[3]                  // 9
/// try squares.removeValue(forKey: 3)
/// ```
public struct DictProxy<Key: Codable & Sendable, Value: Codable & Sendable>: TypedProxy,
    CustomStringConvertible {
    /// The untyped proxy underneath.
    public let proxy: ObjectProxy

    /// A typed view of `proxy` (which must refer to an object of the matching kind).
    public init(_ proxy: ObjectProxy) {
        self.proxy = proxy
    }

    /// The value for `key`, or `nil` when there is none (Python's `get`).
    public subscript(key: Key) -> Value? {
        get throws(MultiprocessingError) {
            // One round trip: a default no value can be marks a missing key.
            let value = try proxy.call("get", arguments: [try ManagedValue(wrapping: key), .encoded([])])
            if value == .encoded([]) { return nil }
            return try value.unwrap(as: Value.self)
        }
    }

    /// The value for `key`; Python's `d[key]`.
    ///
    /// - Throws: `MultiprocessingError.Code.remoteError` (`KeyError`) when there is none.
    public func value(forKey key: Key) throws(MultiprocessingError) -> Value {
        try proxy.call("__getitem__", arguments: [try ManagedValue(wrapping: key)]).unwrap(as: Value.self)
    }

    /// Sets `key` to `value`; Python's `d[key] = value`.
    public func set(_ key: Key, _ value: Value) throws(MultiprocessingError) {
        try proxy.call("__setitem__", arguments: [try ManagedValue(wrapping: key), try ManagedValue(wrapping: value)])
    }

    /// Removes `key` and returns its value, `nil` if there was none; Python's `d.pop(key, None)`.
    @discardableResult
    public func removeValue(forKey key: Key) throws(MultiprocessingError) -> Value? {
        let removed = try proxy.call("pop", arguments: [try ManagedValue(wrapping: key), .encoded([])])
        if removed == .encoded([]) { return nil }
        return try removed.unwrap(as: Value.self)
    }

    /// Removes and returns the entry inserted last, as Python's `d.popitem()`.
    ///
    /// - Throws: `MultiprocessingError.Code.remoteError` (`KeyError`) when the dict is empty.
    public func popItem() throws(MultiprocessingError) -> (key: Key, value: Value) {
        let pair = try proxy.call("popitem")
        guard case .list(let parts) = pair, parts.count == 2 else {
            throw MultiprocessingError(.codingFailed, "popitem() answered \(pair), not a key and a value")
        }
        return (try parts[0].unwrap(as: Key.self), try parts[1].unwrap(as: Value.self))
    }

    /// Whether `key` is in the dict; Python's `key in d`.
    public func contains(_ key: Key) throws(MultiprocessingError) -> Bool {
        try proxy.call("__contains__", arguments: [try ManagedValue(wrapping: key)]) == .bool(true)
    }

    /// The number of entries; Python's `len(d)`.
    public func count() throws(MultiprocessingError) -> Int {
        try proxy.call("__len__").unwrap(as: Int.self)
    }

    /// The keys in insertion order.
    public func keys() throws(MultiprocessingError) -> [Key] {
        guard case .list(let keys) = try proxy.call("keys") else { return [] }
        return try keys.map { (key) throws(MultiprocessingError) in try key.unwrap(as: Key.self) }
    }

    /// The values in insertion order.
    public func values() throws(MultiprocessingError) -> [Value] {
        guard case .list(let values) = try proxy.call("values") else { return [] }
        return try values.map { (value) throws(MultiprocessingError) in try value.unwrap(as: Value.self) }
    }

    /// The entries in insertion order.
    public func items() throws(MultiprocessingError) -> [(key: Key, value: Value)] {
        guard case .dict(let pairs) = try proxy.call("items") else { return [] }
        return try pairs.map { (pair) throws(MultiprocessingError) in
            (try pair.key.unwrap(as: Key.self), try pair.value.unwrap(as: Value.self))
        }
    }

    /// Removes every entry.
    public func removeAll() throws(MultiprocessingError) {
        try proxy.call("clear")
    }

    /// The contents as Python prints them: `{1: '1', '2': 2, 0.25: None}`.
    public var description: String { proxy.description }
}
