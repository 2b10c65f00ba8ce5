// The floor of any Swift program's start: a static Swift executable with no statements at all (scripts/benchmark
// builds it with `swiftc -O -static-executable`). What it costs above the static C no-op is the Swift runtime's
// and the larger binary's share of every Swift child, before the program does anything.
