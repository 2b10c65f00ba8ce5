import CLinuxShims
#if canImport(Glibc)
import Glibc
#endif

/// Runs libFuzzer on `body`, with this process's command line (libFuzzer's flags and corpus folders), and exits
/// with libFuzzer's status. `body` gets each input; a crash, a failed ``require(_:_:)``, a leak or a timeout in it
/// is what libFuzzer reports.
///
/// The fuzz targets are executables whose `main` is this call (SwiftPM links an executable's own `main`, so libFuzzer's
/// is not used): `@main enum FuzzX { static func main() { Fuzzer.run { bytes in … } } }`.
public enum Fuzzer {
    nonisolated(unsafe) fileprivate static var body: ([UInt8]) -> Void = { _ in }

    ///
    /// - Parameter seeds: Inputs this target's own encoders make (recorded frames); with `-write_seeds=FOLDER` on
    ///   the command line they are written there, one file each, instead of fuzzing.
    public static func run(seeds: @autoclosure () -> [[UInt8]] = [], _ body: @escaping ([UInt8]) -> Void) -> Never {
        if let folder = CommandLine.arguments.first(where: { $0.hasPrefix("-write_seeds=") })?
            .dropFirst("-write_seeds=".count) {
            for (index, seed) in seeds().enumerated() {
                let path = "\(folder)/seed-\(index)"
                guard let file = fopen(path, "wb") else { fatalError("cannot write \(path)") }
                _ = seed.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
                fclose(file)
            }
            exit(0)
        }
        Self.body = body
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(lx_fuzz_run_driver(&argc, &argv) { data, size in testOneInput(data, size) })
    }

    /// Stops the run with a finding when a property of the code under test does not hold.
    public static func require(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fatalError("property violated: \(message())") }
    }
}

/// libFuzzer's entry point, which its own `main` (linked but not used: SwiftPM links the target's) refers to.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    Fuzzer.body(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
