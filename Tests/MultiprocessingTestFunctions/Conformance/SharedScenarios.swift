// The scenarios of CPython's `_TestValue`, `_TestArray` and `_TestSharedMemory` that involve child processes.
#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing

/// CPython's `codes_values`: one shared value of each kind.
public struct SharedValues: Codable, Sendable {
    public var int32: SharedValue<Int32>     // 'i'
    public var double: SharedValue<Double>   // 'd'
    public var int16: SharedValue<Int16>     // 'h'
    public var int64: SharedValue<Int64>     // 'q'
    public var byte: SharedValue<UInt8>      // 'c'

    public init(lock: Bool) throws {
        int32 = try SharedValue(4343, lock: lock)
        double = try SharedValue(3.625, lock: lock)
        int16 = try SharedValue(-232, lock: lock)
        int64 = try SharedValue(1 << 33, lock: lock)
        byte = try SharedValue(UInt8(ascii: "x"), lock: lock)
    }

    public var described: String {
        "\(int32.value) \(double.value) \(int16.value) \(int64.value) \(Character(Unicode.Scalar(byte.value)))"
    }
}

public struct MemoryWrite: Codable, Sendable {
    public var memory: SharedMemory
    public var bytes: [UInt8]
}

public enum SharedScenarios {
    /// CPython's `_TestValue._test`: sets every value to its second value.
    public static let setValues = ProcessFunction("conformance.value.set") { (values: SharedValues) -> Empty in
        values.int32.value = 24234
        values.double.value = -4.25
        values.int16.value = 234
        values.int64.value = 1 << 34
        values.byte.value = UInt8(ascii: "y")
        return Empty()
    }

    /// CPython's `_TestArray.f`: replaces every element by the sum of those up to it.
    public static let cumulate = ProcessFunction("conformance.array.f") { (array: SharedArray<Int32>) -> Empty in
        for index in 1..<array.count { array[index] += array[index - 1] }
        return Empty()
    }

    /// CPython's `_attach_existing_shmem_then_write`: writes the bytes at the start of the block.
    public static let writeMemory = ProcessFunction("conformance.sharedMemory.write") { (write: MemoryWrite) -> Empty in
        write.memory.withUnsafeMutableBytes { buffer in
            for (index, byte) in write.bytes.enumerated() { buffer[index] = byte }
        }
        return Empty()
    }

    /// CPython's `_TestValue.test_value` and `test_rawvalue`.
    static func values(_ method: String, lock: Bool) throws -> Observations {
        let values = try SharedValues(lock: lock)
        var seen = ["before": values.described]
        let process = Process(target: setValues, arguments: values, context: context(method))
        try process.start()
        seen["exitCode"] = try exitCode(of: process)
        seen["after"] = values.described
        return seen
    }

    // CPython: _TestValue.test_value
    public static let value = Scenario("conformance.value.value") { method in try values(method, lock: true) }

    // CPython: _TestValue.test_rawvalue
    public static let rawValue = Scenario("conformance.value.rawvalue") { method in try values(method, lock: false) }

    /// CPython's `_TestArray.test_array` and `test_rawarray`.
    static func array(_ method: String, lock: Bool) throws -> Observations {
        var sequence: [Int32] = [680, 626, 934, 821, 150, 233, 548, 982, 714, 831]
        let array = try SharedArray(sequence, lock: lock)
        var seen = ["count": "\(array.count)", "element 3": "\(array[3])",
                    "2..<7": array[2..<7].map(String.init).joined(separator: ",")]
        try array.replace(from: 4, with: [1, 2, 3, 4])
        sequence.replaceSubrange(4..<8, with: [1, 2, 3, 4])
        seen["after replace"] = array.copy() == sequence ? "as the sequence" : "\(array.copy())"
        for index in 1..<sequence.count { sequence[index] += sequence[index - 1] }
        let process = Process(target: cumulate, arguments: array, context: context(method))
        try process.start()
        seen["exitCode"] = try exitCode(of: process)
        seen["after child"] = array.copy() == sequence ? "cumulated" : "\(array.copy())"
        return seen
    }

    // CPython: _TestArray.test_array
    public static let arrayScenario = Scenario("conformance.array.array") { method in try array(method, lock: true) }

    // CPython: _TestArray.test_rawarray
    public static let rawArray = Scenario("conformance.array.rawarray") { method in try array(method, lock: false) }

    // CPython: _TestSharedMemory.test_shared_memory_across_processes
    public static let memoryAcrossProcesses = Scenario("conformance.sharedMemory.across") { method in
        let memory = try SharedMemory(size: 512)
        let process = Process(target: writeMemory, arguments: MemoryWrite(memory: memory, bytes: Array("howdy".utf8)),
                              context: context(method))
        try process.start()
        return ["exitCode": try exitCode(of: process),
                "bytes": String(decoding: try memory.bytes(in: 0..<5), as: UTF8.self)]
    }

    public static let all: [RegisteredFunction] = [
        setValues.registration, cumulate.registration, writeMemory.registration, value.registration,
        rawValue.registration, arrayScenario.registration, rawArray.registration, memoryAcrossProcesses.registration,
    ]
}
