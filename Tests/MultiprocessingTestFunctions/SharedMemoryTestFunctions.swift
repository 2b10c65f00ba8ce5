// The registered functions the named shared memory tests run in child processes.
#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing

public enum SharedMemoryTestFunctions {
    /// Creates the block `name`, fills it with `pattern(at:)`, says so, and waits (up to 10 s) until told it is
    /// done; returns the first three bytes then, which the attaching process wrote.
    public static let createAndWait = ProcessFunction("shm.createAndWait") { (arguments: NamedBlock) -> [UInt8] in
        let block = try SharedMemory(name: arguments.name, create: true, size: arguments.size)
        fill(block)
        arguments.ready.set()
        guard arguments.done.wait(timeout: .seconds(10)) else { return [] }
        let written = try block.bytes(in: 0..<3)
        block.close()
        return written
    }

    /// Attaches to the block `name`; returns its size and whether it holds `pattern(at:)`, then writes 7, 7, 7 at
    /// its start and says it is done.
    public static let attachAndWrite = ProcessFunction("shm.attachAndWrite") { (arguments: NamedBlock) -> [Int] in
        guard arguments.ready.wait(timeout: .seconds(10)) else { return [] }
        let block = try SharedMemory(name: arguments.name)
        let filled = holdsPattern(block)
        block.withUnsafeMutableBytes { $0[0..<3].copyBytes(from: [7, 7, 7]) }
        block.close()
        arguments.done.set()
        return [block.size, filled ? 1 : 0]
    }

    /// Creates the block `name`, fills it, says so and dies by SIGKILL without closing it.
    public static let createAndDie = ProcessFunction("shm.createAndDie") { (arguments: NamedBlock) -> Int in
        let block = try SharedMemory(name: arguments.name, create: true, size: arguments.size)
        fill(block)
        arguments.ready.set()
        withExtendedLifetime(block) { _ = raise(SIGKILL) }
        return 0
    }

    /// Writes `bytes` at the start of a block passed in the arguments, and returns its name.
    public static let writePassedBlock = ProcessFunction("shm.writePassedBlock") { (block: SharedMemory) -> String in
        block.withUnsafeMutableBytes { $0[0..<3].copyBytes(from: [1, 2, 3]) }
        return block.name ?? ""
    }

    /// The byte that `fill` writes at `offset`.
    public static func pattern(at offset: Int) -> UInt8 { UInt8(truncatingIfNeeded: offset % 251) }

    /// Writes `pattern(at:)` into every byte.
    public static func fill(_ block: SharedMemory) {
        block.withUnsafeMutableBytes { bytes in
            for offset in bytes.indices { bytes[offset] = pattern(at: offset) }
        }
    }

    /// Whether every byte is `pattern(at:)`.
    public static func holdsPattern(_ block: SharedMemory) -> Bool {
        block.withUnsafeMutableBytes { bytes in bytes.indices.allSatisfy { bytes[$0] == pattern(at: $0) } }
    }

    public static let all: [RegisteredFunction] = [
        createAndWait.registration, attachAndWrite.registration, createAndDie.registration,
        writePassedBlock.registration,
    ]
}

/// A block's name and size, and the events that order its creator and the process that attaches to it.
public struct NamedBlock: Codable, Sendable {
    public var name: String
    public var size: Int
    public var ready: Event
    public var done: Event
    public init(name: String, size: Int, ready: Event, done: Event) {
        self.name = name
        self.size = size
        self.ready = ready
        self.done = done
    }
}
