// A manager's dict, shared with a child through its proxy.
// snippet.hide
import Multiprocessing
import MultiprocessingManagers

let fill = ProcessFunction("fill") { (d: DictProxy<ManagedValue, ManagedValue>) in
    try d.set("filled by", .string(currentProcess().name))
}

// snippet.show
bootstrap([Manager.registration, fill.registration])  // first thing in main.swift
try withManager { manager in                  // with Manager() as manager:
    let d = try manager.dict()
    try d.set(1, "1"); try d.set("2", 2); try d.set(0.25, nil)
    print(d)                                  // {1: '1', '2': 2, 0.25: None}
    let worker = Process(target: fill, arguments: d)   // the child calls the same dict
    try worker.start()
    try worker.join()
}
