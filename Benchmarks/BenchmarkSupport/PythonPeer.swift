import Multiprocessing
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// The Python side of a benchmark: a script in `Benchmarks/Peers/` that prints one `NAME MEDIAN MEAN` line per
/// measurement, run in the same benchmark run as the Swift side.
public enum PythonPeer {
    /// The package's root folder, found from this executable's path (`.build/<triple>/release/NAME`).
    public static var packageRoot: FilePath {
        var buffer = [CChar](repeating: 0, count: 4097)
        let length = readlink("/proc/self/exe", &buffer, 4096)
        var folder = FilePath(String(decoding: buffer[..<max(0, length)].map { UInt8(bitPattern: $0) }, as: UTF8.self))
        while let last = folder.lastComponent, last.string != ".build" { folder.removeLastComponent() }
        return folder.removingLastComponent()
    }

    /// Runs `python3 Benchmarks/Peers/SCRIPT ITERATIONS` and reads its `NAME MEDIAN MEAN` lines.
    public static func run(_ script: String, iterations: Int) throws -> [String: Sample] {
        var configuration = SpawnConfiguration(
            executable: "/usr/bin/env",
            arguments: ["python3", packageRoot.appending("Benchmarks/Peers").appending(script).string,
                        String(iterations)])
        configuration.standardOutput = .pipe
        let peer = try ChildProcess.spawn(configuration)
        var output: [UInt8] = []
        if let descriptor = peer.takeStandardOutput() {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = try buffer.withUnsafeMutableBytes { try descriptor.read(into: $0) }
                if count == 0 { break }
                output += buffer[..<count]
            }
            try descriptor.close()
        }
        guard try peer.wait() == .exited(0) else { fatalError("the Python peer \(script) failed") }
        var samples: [String: Sample] = [:]
        for line in String(decoding: output, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count == 3, let median = Double(fields[1]), let mean = Double(fields[2]) else { continue }
            samples[String(fields[0])] = Sample(median: median, mean: mean)
        }
        return samples
    }
}
