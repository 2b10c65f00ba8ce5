import Multiprocessing
import MultiprocessingManagers
import MultiprocessingTestFunctions
import Testing

extension MultiprocessingSuite {
    struct ManagerArrayTests {
        @Test
        func anArrayIsSharedWithAChildAndPrintsAsPythons() throws {
            let context = workerContext(.spawn)
            try withManager(context: context) { manager in
                let array: ArrayProxy<Int32> = try manager.array([5, 6, 7])
                #expect("\(array)" == "array('i', [5, 6, 7])")
                let child = Process(target: ManagerProxyTestFunctions.setArrayElement,
                                    arguments: ArrayElement(array: array, index: 1), context: context)
                try child.start()
                #expect(try child.value(as: Int.self, timeout: .seconds(10)) == 3)
                #expect(try array.elements() == [5, 10, 7])
                #expect(try array[-1] == 7 && array.count() == 3)

                let doubles = try manager.array([0.5, 1.5])
                try doubles.set(0, 2)
                #expect("\(doubles)" == "array('d', [2.0, 1.5])")
                #expect(try manager.array([UInt8]()).count() == 0)
            }
        }

        @Test
        func theServerKeepsTheTypecodeAndTheLength() throws {
            try withManager(context: workerContext(.spawn)) { manager in
                let array: ArrayProxy<Int32> = try manager.array([1, 2])
                let index = #expect(throws: MultiprocessingError.self) { try array.set(2, 0) }
                #expect(index?.remoteDescription == "IndexError: array index out of range")
                let read = #expect(throws: MultiprocessingError.self) { _ = try array[-3] }
                #expect(read?.code == .remoteError)
                // What only another client could send: a value out of the typecode's range, or of another kind.
                let overflow = #expect(throws: MultiprocessingError.self) {
                    try array.proxy.call("__setitem__", arguments: [0, .int(1 << 40)])
                }
                #expect(overflow?.remoteDescription?.hasPrefix("OverflowError") == true)
                let kind = #expect(throws: MultiprocessingError.self) {
                    try array.proxy.call("__setitem__", arguments: [0, "x"])
                }
                #expect(kind?.remoteDescription?.hasPrefix("TypeError") == true)
                #expect(try array.elements() == [1, 2])
                // A typecode the server does not know, as a client of its own could ask for.
                let typecode = #expect(throws: MultiprocessingError.self) {
                    _ = try manager.make(ManagedType("Array", make: { _ in array.proxy }, methods: [:]), ["z", []])
                }
                #expect(typecode?.remoteDescription?.hasPrefix("ValueError: bad typecode") == true)
            }
        }
    }
}
