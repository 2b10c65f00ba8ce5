import LessonRunner

/// What the EmbedDemoSources plugin embedded in this module, for the tests.
public let embeddedFixtureSources = DemoSourceFiles.embedded
