// Locks, events, barriers and conditions passed to children, which wait on them with the parent.
import Multiprocessing

struct Shared: Codable, Sendable {
    var lock: Lock
    var ready: Event
    var barrier: Barrier
    var counter: SharedValue<Int>
}

let increment = ProcessFunction("increment") { (shared: Shared) in
    _ = shared.ready.wait(timeout: .seconds(5))           // Event.wait
    for _ in 0..<1_000 {
        try shared.lock.withLock { shared.counter.value += 1 }   // with lock:
    }
    try shared.barrier.wait(timeout: .seconds(5))         // all parties meet here
}
bootstrap([increment.registration])

let shared = Shared(lock: try Lock(), ready: try Event(), barrier: try Barrier(parties: 3),
                    counter: try SharedValue(0, lock: false))
let children = (0..<2).map { _ in Process(target: increment, arguments: shared) }
for child in children { try child.start() }
shared.ready.set()
try shared.barrier.wait(timeout: .seconds(5))             // the third party
for child in children { try child.join() }
print(shared.counter.value)                               // 2000

let slots = try BoundedSemaphore(2)                       // at most two holders at once
slots.withLock { print("free slots while holding one: \(slots.value)") }   // 1
let condition = try Condition()
let ready = try condition.withLock { try condition.wait(for: { true }, timeout: .zero) }
print(ready)                                              // true: the predicate holds already
