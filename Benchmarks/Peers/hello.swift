// The floor of a Swift child process: a static Swift executable that prints one line (scripts/benchmark builds
// it with `swiftc -O -static-executable`).
print("hello")
