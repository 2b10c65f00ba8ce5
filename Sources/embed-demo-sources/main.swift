// Writes a Swift file that holds a module's Swift sources as string literals: the build tool behind the
// EmbedDemoSources plugin.
//
//     embed-demo-sources MODULE OUTPUT PACKAGE_DIRECTORY SOURCE...
//
// Each source is keyed by its `#fileID` (`MODULE/FILE.swift`), which is what a `Demo` records where it is
// declared, and carries its path relative to the package for diagnostics. Raw string literals keep the text
// byte for byte (CRLF line ends become LF, as the compiler reads them too).

#if canImport(Glibc)
import Glibc
#endif

func fail(_ message: String) -> Never {
    let line = Array("embed-demo-sources: \(message)\n".utf8)
    _ = line.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    exit(1)
}

func readFile(_ path: String) -> String {
    guard let file = fopen(path, "rb") else { fail("cannot open \(path): \(String(cString: strerror(errno)))") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        bytes += buffer[..<count]
        if count < buffer.count {
            if ferror(file) != 0 { fail("cannot read \(path)") }
            break
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// The number of `#` that delimit a raw literal of `text`: more than any run of `#` in it, so that nothing inside
/// can close the literal.
func delimiter(for text: String) -> String {
    var longestRun = 0
    var run = 0
    for character in text.unicodeScalars {
        run = character == "#" ? run + 1 : 0
        longestRun = max(longestRun, run)
    }
    return String(repeating: "#", count: longestRun + 1)
}

/// `text` (one line) as a Swift raw string literal.
func rawLiteral(_ text: String) -> String {
    let hashes = delimiter(for: text)
    return hashes + "\"" + text + "\"" + hashes
}

/// `text` as a multi-line Swift raw string literal that reads back exactly as `text`.
func rawMultilineLiteral(_ text: String) -> String {
    let hashes = delimiter(for: text)
    // The line break before the closing delimiter is not part of the string, so the text's own last line break
    // (or its lack) is kept.
    return hashes + "\"\"\"\n" + text.replacing("\r\n", with: "\n") + "\n\"\"\"" + hashes
}

func relativePath(_ path: String, to directory: String) -> String {
    let prefix = directory.hasSuffix("/") ? directory : directory + "/"
    return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
}

func write(_ text: String, to path: String) {
    // Written beside the target and renamed over it, so that an interrupted build leaves no half-written file.
    let temporary = path + ".partial"
    guard let file = fopen(temporary, "wb") else { fail("cannot create \(temporary)") }
    let bytes = Array(text.utf8)
    let written = fwrite(bytes, 1, bytes.count, file)
    if fclose(file) != 0 || written != bytes.count { fail("cannot write \(temporary)") }
    if rename(temporary, path) != 0 { fail("cannot rename \(temporary) to \(path)") }
}

let arguments = CommandLine.arguments
guard arguments.count >= 4 else { fail("usage: embed-demo-sources MODULE OUTPUT PACKAGE_DIRECTORY SOURCE...") }
let module = arguments[1]
let output = arguments[2]
let packageDirectory = arguments[3]

var generated = """
    // Generated at build time by the EmbedDemoSources plugin from the Swift sources of \(module). Do not edit.
    import DemoHosting

    extension DemoSourceFiles {
        /// The Swift sources of this module as they were compiled, for ``DemoRegistry/init(_:sources:)``.
        static let embedded = DemoSourceFiles([

    """
for path in arguments.dropFirst(4) {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    let fileID = "\(module)/\(name)"
    let relative = relativePath(path, to: packageDirectory)
    generated += "        DemoSourceFile(fileID: \(rawLiteral(fileID)), path: \(rawLiteral(relative)), text: "
    generated += rawMultilineLiteral(readFile(path)) + "),\n"
}
generated += "    ])\n}\n"
write(generated, to: output)
