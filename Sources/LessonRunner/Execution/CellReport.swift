import Multiprocessing
import SystemPackage

/// What a cell's process said on its report descriptor, as the first process of its PID namespace: the leftover
/// processes it ended before it exited, and the signal that ended it (which its exit status cannot say, since
/// the first process of a namespace cannot die of `SIGTERM`). See `NamespaceRoot` in `DemoHosting`.
struct CellReport {
    var strays = 0
    var signal: Signal?

    /// Reads the lines `strays N` and `signal N` until end of file. Every writer has exited when this is called
    /// (the namespace is gone), so it does not block.
    static func read(_ descriptor: FileDescriptor) -> CellReport {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        while bytes.count < 4096 {
            guard let count = try? buffer.withUnsafeMutableBytes({ try descriptor.read(into: $0) }), count > 0 else {
                break
            }
            bytes += buffer[..<count]
        }
        var report = CellReport()
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let words = line.split(separator: " ")
            guard words.count == 2, let value = Int32(words[1]) else { continue }
            switch words[0] {
            case "strays": report.strays += Int(value)
            case "signal": report.signal = Signal(rawValue: value)
            default: continue
            }
        }
        return report
    }

    /// How the cell ended, given its exit status: the reported signal where the status is the `128 + N` exit that
    /// stands for it.
    func termination(_ status: TerminationStatus?) -> TerminationStatus? {
        if let signal, status == .exited(128 + signal.rawValue) { return .signaled(signal) }
        return status
    }
}
