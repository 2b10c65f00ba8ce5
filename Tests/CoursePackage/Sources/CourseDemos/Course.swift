import DemoHosting

extension DemoRegistry {
    /// This course's demos, with their sources compiled in by the EmbedDemoSources plugin.
    public static let course = DemoRegistry([.greeting, .cube], sources: .embedded)
}
