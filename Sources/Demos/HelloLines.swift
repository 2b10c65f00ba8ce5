import DemoHosting

extension Demo {
    /// Prints a greeting and a few numbered lines: `hello-lines [COUNT]`.
    public static let helloLines = Demo("hello-lines", summary: "prints a greeting and COUNT numbered lines") {
        arguments in
        let count = arguments.first.flatMap { Int($0) } ?? 3
        // ANCHOR: shown
        print("Hello from a child process!")
        for number in 1...max(1, count) {
            print("line \(number) of \(count)")
        }
        // ANCHOR_END: shown
        return 0
    }
}
