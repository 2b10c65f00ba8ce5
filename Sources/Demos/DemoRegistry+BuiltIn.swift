import DemoHosting

extension DemoRegistry {
    /// Every demo this package ships: the one registry the `lesson` executable is built with.
    public static let builtIn = DemoRegistry([
        .helloLines,
        .stderrExit,
        .sleeper,
        .crash,
        .stubbornGrandchild,
        // The multiprocessing course, in the order of its lesson.
        .poolMap,
        .processHello,
        .startMethods,
        .queue,
        .pipe,
        .lock,
        .noLock,
        .sharedMemory,
        .manager,
        .pi,
        .parallelDelayed,
        .doubler,
        .pingPong,
    ], sources: .embedded)
}
