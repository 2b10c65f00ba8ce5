import Multiprocessing

/// A list held by a ``Manager``'s server, as Python's `manager.list()`. Printing it prints its contents.
///
/// ```swift
/// let numbers: ListProxy<Int> = try manager.list()
/// try numbers.append(3)
/// try numbers.extend([1, 2])
/// try numbers.sort()
/// print(numbers)                  // [1, 2, 3]
/// ```
public struct ListProxy<Element: Codable & Sendable>: TypedProxy, CustomStringConvertible {
    /// The untyped proxy underneath.
    public let proxy: ObjectProxy

    /// A typed view of `proxy` (which must refer to an object of the matching kind).
    public init(_ proxy: ObjectProxy) {
        self.proxy = proxy
    }

    private func wrap(_ element: Element) throws(MultiprocessingError) -> ManagedValue {
        try ManagedValue(wrapping: element)
    }

    /// The element at `index` (negative counts from the end, as in Python).
    ///
    /// - Throws: `MultiprocessingError.Code.remoteError` (`IndexError`) out of range.
    public subscript(index: Int) -> Element {
        get throws(MultiprocessingError) {
            try proxy.call("__getitem__", arguments: [.int(index)]).unwrap(as: Element.self)
        }
    }

    /// Sets the element at `index`; Python's `l[index] = element`.
    public func set(_ index: Int, _ element: Element) throws(MultiprocessingError) {
        try proxy.call("__setitem__", arguments: [.int(index), try wrap(element)])
    }

    /// Removes the element at `index`; Python's `del l[index]`.
    public func remove(at index: Int) throws(MultiprocessingError) {
        try proxy.call("__delitem__", arguments: [.int(index)])
    }

    /// Appends `element`; Python's `l.append(element)`.
    public func append(_ element: Element) throws(MultiprocessingError) {
        try proxy.call("append", arguments: [try wrap(element)])
    }

    /// Appends `elements`; Python's `l.extend(elements)`.
    public func extend(_ elements: [Element]) throws(MultiprocessingError) {
        let wrapped = try elements.map { (element) throws(MultiprocessingError) in try wrap(element) }
        try proxy.call("extend", arguments: [.list(wrapped)])
    }

    /// Inserts `element` before `index`; Python's `l.insert(index, element)`.
    public func insert(_ element: Element, at index: Int) throws(MultiprocessingError) {
        try proxy.call("insert", arguments: [.int(index), try wrap(element)])
    }

    /// Removes the first element equal to `element`.
    ///
    /// - Throws: `MultiprocessingError.Code.remoteError` (`ValueError`) when there is none.
    public func remove(_ element: Element) throws(MultiprocessingError) {
        try proxy.call("remove", arguments: [try wrap(element)])
    }

    /// Removes and returns the last element (or the one at `index`).
    @discardableResult
    public func pop(_ index: Int? = nil) throws(MultiprocessingError) -> Element {
        try proxy.call("pop", arguments: index.map { [.int($0)] } ?? []).unwrap(as: Element.self)
    }

    /// Reverses the list on the server.
    public func reverse() throws(MultiprocessingError) {
        try proxy.call("reverse")
    }

    /// Sorts the list on the server (numbers, strings or bools).
    ///
    /// - Throws: `MultiprocessingError.Code.remoteError` (`TypeError`) for elements that do not compare.
    public func sort(reverse: Bool = false) throws(MultiprocessingError) {
        try proxy.call("sort", arguments: [.bool(reverse)])
    }

    /// Whether an element equals `element`; Python's `element in l`.
    public func contains(_ element: Element) throws(MultiprocessingError) -> Bool {
        try proxy.call("__contains__", arguments: [try wrap(element)]) == .bool(true)
    }

    /// How many elements equal `element`; Python's `l.count(element)`.
    public func count(of element: Element) throws(MultiprocessingError) -> Int {
        try proxy.call("count", arguments: [try wrap(element)]).unwrap(as: Int.self)
    }

    /// The position of the first element equal to `element`; Python's `l.index(element)`.
    ///
    /// - Throws: `MultiprocessingError.Code.remoteError` (`ValueError`) when there is none.
    public func index(of element: Element) throws(MultiprocessingError) -> Int {
        try proxy.call("index", arguments: [try wrap(element)]).unwrap(as: Int.self)
    }

    /// The number of elements; Python's `len(l)`.
    public func count() throws(MultiprocessingError) -> Int {
        try proxy.call("__len__").unwrap(as: Int.self)
    }

    /// A copy of the elements.
    public func elements() throws(MultiprocessingError) -> [Element] {
        guard case .list(let elements) = try proxy.call("copy") else { return [] }
        return try elements.map { (element) throws(MultiprocessingError) in try element.unwrap(as: Element.self) }
    }

    /// The contents as Python prints them: `[1, 'a', None]`.
    public var description: String { proxy.description }
}
