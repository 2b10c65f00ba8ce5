#if canImport(Glibc)
import Glibc
#endif
import Multiprocessing
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    struct SharedValueAndArrayTests {
        @Test
        func valuesAndArraysInThisProcess() throws {
            let value = try SharedValue<Double>(1.5)
            value.value += 1
            #expect(value.value == 2.5 && value.lock != nil)
            #expect(try value.withLock { $0 *= 2; return $0 } == 5)
            // Python's idiom: `with value.get_lock(): value.value += 1` (the lock is recursive, as Python's RLock).
            try value.lock!.withLock { value.value += 1 }
            #expect(value.value == 6)
            let raw = try SharedValue<Int32>(7, lock: false)
            #expect(raw.lock == nil && raw.value == 7)

            let numbers = try SharedArray<Int32>(0..<10)
            #expect(numbers.count == 10 && numbers[3] == 3)
            numbers[3] = 30
            #expect(Array(numbers[2..<5]) == [2, 30, 4])
            try numbers.lock!.withLock { numbers[0] = numbers[0] + 0 }
            try numbers.replace(from: 8, with: [80, 90])
            #expect(numbers.copy() == [0, 1, 2, 30, 4, 5, 6, 7, 80, 90])
            #expect(numbers.reduce(0, +) == 225)
            let zeros = try SharedArray<UInt8>(repeating: 0, count: 5, lock: false)
            #expect(zeros.lock == nil && Array(zeros) == [0, 0, 0, 0, 0])
            #expect(try SharedArray<Int64>([]).isEmpty)
        }

        @Test(arguments: runnerMethods)
        func aChildNegatesAnArrayAndSetsAValue(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let arguments = Negate(numbers: try SharedArray<Int32>(0..<10), total: try SharedValue<Double>(0))
            let child = Process(target: SynchronizationTestFunctions.negate, arguments: arguments, context: context)
            try child.start()
            #expect(try child.value(as: Int.self, timeout: .seconds(10)) == 10)
            #expect(arguments.numbers.copy() == (0..<10).map { -$0 })
            #expect(arguments.total.value == 3.25)
        }

        @Test(arguments: runnerMethods)
        func aDeadOwnerOfAValuesLock(method: StartMethod) throws {
            let context = workerContext(method)
            defer { finishMethod(method) }
            let value = try SharedValue<Int64>(1)
            func killAHolder() throws {
                let victim = Process(target: SynchronizationTestFunctions.dieHoldingValueLock, arguments: value,
                                     context: context)
                try victim.start()
                #expect(try victim.join(timeout: .seconds(10)))
                #expect(victim.exitCode == -SIGKILL)
            }
            try killAHolder()
            // withLock reports it (and the lock is free again)...
            let error = #expect(throws: MultiprocessingError.self) { try value.withLock { $0 += 1 } }
            #expect(error?.code == .ownerDied)
            #expect(try value.withLock { $0 } == 99)
            // ... while `.value`, one aligned load or store, carries on.
            value.value = 5
            try killAHolder()
            #expect(value.value == 99)
            #expect(try value.withLock { $0 } == 99)
        }
    }
}
