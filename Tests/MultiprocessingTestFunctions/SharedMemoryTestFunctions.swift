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

    /// `rounds` times: attaches to the held block `name` and checks its first byte, creates a block of its own
    /// (which sweeps `/dev/shm`), attaches to that by name too, sweeps again, and closes both. Returns how many
    /// rounds went through: a sweep that removed a block in use would make an attach fail.
    public static let churn = ProcessFunction("shm.churn") { (arguments: Churn) -> Int in
        guard arguments.start.wait(timeout: .seconds(10)) else { return -1 }
        for round in 0..<arguments.rounds {
            let held = try SharedMemory(name: arguments.name)
            guard held[0] == 42 else { return round }
            let own = try SharedMemory(name: nil, create: true, size: 64)
            let again = try SharedMemory(name: own.name)
            again[1] = 1
            try SharedMemory.reclaimAbandoned()
            guard own[1] == 1 else { return round }
            held.close()
            again.close()
            own.close()
        }
        return arguments.rounds
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
        writePassedBlock.registration, churn.registration,
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

/// A held block's name, how many rounds to churn, and the event that starts every churner at once.
public struct Churn: Codable, Sendable {
    public var name: String
    public var rounds: Int
    public var start: Event
    public init(name: String, rounds: Int, start: Event) {
        self.name = name
        self.rounds = rounds
        self.start = start
    }
}
