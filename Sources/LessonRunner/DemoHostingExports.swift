// The demo model (`Demo`, `DemoRegistry`, `DemoCatalog`) lives in DemoHosting, which a demo host links without
// the renderer; code that builds a `lesson` with `import LessonRunner` sees it as before.
@_exported import DemoHosting
