// What a message may be: any Codable value, encoded in the compact binary format.
import Multiprocessing

enum Shape: Codable, Equatable {
    case circle(radius: Double)
    case polygon(points: [[Double]])
}

struct Drawing: Codable, Equatable {
    var title: String
    var shapes: [Shape]
    var tags: Set<String>
    var notes: [String: Int?]
}

let drawing = Drawing(title: "plan", shapes: [.circle(radius: 1.5), .polygon(points: [[0, 0], [1, 0], [0, 1]])],
                      tags: ["draft"], notes: ["revision": 3, "reviewer": nil])
let bytes = try BinaryEncoder().encode(drawing)           // what Connection.send and Queue.put send
let back = try BinaryDecoder().decode(Drawing.self, from: bytes)
print(bytes.count, back == drawing)                       // 174 true

let (a, b) = try Pipe()
try a.send(drawing)
print(try b.recv(Drawing.self).title)                     // plan
a.close()
do {
    _ = try b.recv(Drawing.self)                          // the other end is closed: no message will come
} catch {
    print(error.code)                                     // endOfFile
}
