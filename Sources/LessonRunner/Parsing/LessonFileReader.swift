import SystemPackage

/// Reads a whole file with plain system calls.
public enum LessonFileReader {
    /// Why a file could not be read, in words that fit after "cannot read FILE: ".
    public struct Failure: Error, Sendable {
        /// The system's description, starting lowercase: "no such file or directory".
        public var reason: String
    }

    /// The bytes of the file at `path`.
    public static func read(path: String) throws(Failure) -> [UInt8] {
        do {
            let descriptor = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
            return try descriptor.closeAfter {
                var bytes: [UInt8] = []
                var chunk = [UInt8](repeating: 0, count: 64 * 1024)
                while true {
                    let count = try chunk.withUnsafeMutableBytes { try descriptor.read(into: $0) }
                    if count == 0 { return bytes }
                    bytes.append(contentsOf: chunk[..<count])
                }
            }
        } catch let errno as Errno {
            let text = errno.description
            throw Failure(reason: text.prefix(1).lowercased() + text.dropFirst())
        } catch {
            throw Failure(reason: "\(error)")
        }
    }
}
