import Foundation
import LessonRunner
#if canImport(Glibc)
import Glibc
#endif

/// Watches folders with inotify and calls back once a burst of changes has settled.
///
/// Folders rather than files are watched, so that an editor that saves by writing a temporary file and renaming it
/// over the lesson is seen, and so is a linker that replaces the demo host. Folders created below a watched folder
/// are watched too. Changes are gathered until `debounce` passes without another (at most ten times that), then
/// `onChange` runs on the watcher's thread.
final class FileWatcher: @unchecked Sendable {  // the descriptors are set once; `watched` is only touched by the thread
    private let inotify: Int32
    private let stopPipe: [Int32]
    private let debounce: Duration
    private let onChange: @Sendable () -> Void
    private var watched: [Int32: String] = [:]
    private var thread: Thread?
    private let finished = NSCondition()
    private var isFinished = false

    /// Watches `folders` (and, for those that are recursive, every folder below them).
    init?(folders: [(path: String, recursive: Bool)], debounce: Duration, onChange: @escaping @Sendable () -> Void) {
        inotify = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard inotify >= 0 else { return nil }
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            close(inotify)
            return nil
        }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        stopPipe = ends
        self.debounce = debounce
        self.onChange = onChange
        for folder in folders { watch(folder.path, recursive: folder.recursive) }
        let thread = Thread { [self] in run() }
        thread.name = "file-watcher"
        self.thread = thread
        thread.start()
    }

    private static let mask = UInt32(
        IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)

    private func watch(_ folder: String, recursive: Bool) {
        let descriptor = inotify_add_watch(inotify, folder, Self.mask | UInt32(IN_ONLYDIR))
        guard descriptor >= 0 else { return }
        watched[descriptor] = recursive ? folder : nil
        guard recursive, let handle = opendir(folder) else { return }
        defer { closedir(handle) }
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasPrefix("."), name != "." { continue }
            if name == "." || name == ".." { continue }
            if entry.pointee.d_type == UInt8(DT_DIR) { watch(folder + "/" + name, recursive: true) }
        }
    }

    private func run() {
        let clock = ContinuousClock()
        var firstChange: ContinuousClock.Instant?
        var lastChange = clock.now
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        loop: while true {
            var timeout: Int32 = -1
            if let first = firstChange {
                let due = min(lastChange + debounce, first + debounce * 10)
                let remaining = due - clock.now
                if remaining <= .zero {
                    firstChange = nil
                    onChange()
                    continue
                }
                timeout = remaining <= .zero ? 0 : Int32(clamping: remaining.components.seconds * 1000
                    + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
            }
            var descriptors = [
                pollfd(fd: inotify, events: Int16(POLLIN), revents: 0),
                pollfd(fd: stopPipe[0], events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&descriptors, 2, timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if descriptors[1].revents != 0 { break loop }
            if ready == 0 {
                if firstChange != nil {
                    firstChange = nil
                    onChange()
                }
                continue
            }
            let count = buffer.withUnsafeMutableBytes { read(inotify, $0.baseAddress, $0.count) }
            guard count > 0 else { continue }
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= count {
                let event = buffer.withUnsafeBytes {
                    $0.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                }
                let nameStart = offset + MemoryLayout<inotify_event>.size
                let nameBytes = buffer[nameStart..<min(count, nameStart + Int(event.len))].prefix { $0 != 0 }
                let name = String(decoding: nameBytes, as: UTF8.self)
                if event.mask & UInt32(IN_ISDIR) != 0, event.mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0,
                    let parent = watched[event.wd], !name.hasPrefix(".")
                {
                    watch(parent + "/" + name, recursive: true)
                }
                offset = nameStart + Int(event.len)
            }
            if firstChange == nil { firstChange = clock.now }
            lastChange = clock.now
        }
        finished.lock()
        isFinished = true
        finished.broadcast()
        finished.unlock()
    }

    /// Stops watching and waits for the thread to end.
    func stop() {
        var byte: UInt8 = 1
        _ = write(stopPipe[1], &byte, 1)
        finished.lock()
        while !isFinished { finished.wait() }
        finished.unlock()
        close(inotify)
        close(stopPipe[0])
        close(stopPipe[1])
    }
}
