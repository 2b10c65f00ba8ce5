// Messages between processes: a queue of jobs, a pipe, and a joinable queue.
import Multiprocessing

struct Job: Codable, Sendable {
    var id: Int
    var words: [String]
}

struct Work: Codable, Sendable {
    var jobs: JoinableQueue<Job>
    var results: Queue<[Int]>
    var replies: Connection
}

let worker = ProcessFunction("worker") { (work: Work) in
    while true {
        let job = try work.jobs.get()
        defer { try? work.jobs.taskDone() }
        if job.id < 0 { break }                           // the sentinel
        try work.results.put([job.id, job.words.count])
    }
    try work.replies.send("done in \(currentProcess().name)")
}
bootstrap([worker.registration])

let jobs = try JoinableQueue<Job>()
let results = try Queue<[Int]>()
let (replies, childEnd) = try Pipe()                      // childEnd moves to the child at start
let process = Process(target: worker, arguments: Work(jobs: jobs, results: results, replies: childEnd))
try process.start()
for id in 0..<3 { try jobs.put(Job(id: id, words: Array(repeating: "word", count: id))) }
try jobs.put(Job(id: -1, words: []))
try jobs.join()                                           // every job's taskDone() was called
print(try (0..<3).map { _ in try results.get(timeout: .seconds(5)) })   // [[0, 0], [1, 1], [2, 2]]
print(try replies.recv(String.self))                      // done in Process-1
try process.join()
