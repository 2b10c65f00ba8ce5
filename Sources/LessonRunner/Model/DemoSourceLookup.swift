extension DemoCatalog {
    /// The shown part of `demo`'s source, or nil when its file is not embedded.
    ///
    /// - Throws: ``DemoSourceError`` when the file's anchors do not make sense.
    public func source(of demo: Entry) throws(DemoSourceError) -> DemoSource? {
        guard let file = sources[demo.fileID] else { return nil }
        return try DemoSource(file: file)
    }
}

extension DemoRegistry {
    /// The shown part of `demo`'s source, or nil when its file is not embedded.
    ///
    /// - Throws: ``DemoSourceError`` when the file's anchors do not make sense.
    public func source(of demo: Demo) throws(DemoSourceError) -> DemoSource? {
        guard let file = sources[demo.fileID] else { return nil }
        return try DemoSource(file: file)
    }
}
