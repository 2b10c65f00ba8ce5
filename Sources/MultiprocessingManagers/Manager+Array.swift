import Multiprocessing

extension Manager {
    /// A new array holding `contents`, as Python's `manager.Array(typecode, sequence)` with the typecode of
    /// `Element` (`Int32`: `'i'`, `Double`: `'d'`, …); with a `name`, the array of that name. Its length is
    /// that of `contents`.
    public func array<Element: ManagedArrayElement>(_ contents: [Element], name: String? = nil)
        throws(MultiprocessingError) -> ArrayProxy<Element> {
        ArrayProxy(try create("Array", [.string(Element.typecode), .list(contents.map(\.managedValue))], name: name))
    }
}
