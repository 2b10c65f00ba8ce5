import LessonRunner

extension DemoRegistry {
    /// Every demo this package ships: the one registry the `lesson` executable is built with.
    public static let builtIn = DemoRegistry([
        .helloLines,
        .stderrExit,
        .sleeper,
        .crash,
        .stubbornGrandchild,
    ])
}
