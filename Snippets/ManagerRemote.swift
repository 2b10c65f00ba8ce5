// A manager that serves other processes over TCP, and a client that connects to it by address and key.
import Multiprocessing
import MultiprocessingManagers

bootstrap([Manager.registration])

let key = Array("a shared secret".utf8)
try withManager(address: .tcp(host: "127.0.0.1", port: 0), authkey: key) { server in
    let jobs = try server.queue(of: String.self, name: "jobs")            // made on first use
    try jobs.put("compile")
    let client = try Manager.connect(to: server.address, authkey: key)    // BaseManager(address, authkey).connect()
    print(try client.queue(of: String.self, name: "jobs").get(timeout: .seconds(5)))   // compile
}
