// The executable the Multiprocessing tests re-run as children: under `swift test` the running executable is the
// test runner, which cannot be re-run as a child.
import Multiprocessing
import MultiprocessingTestFunctions

bootstrap(TestFunctions.all)
// Reached only when started by hand: there is nothing to do.
print("multiprocessing-test-worker: run by the Multiprocessing tests as a child process")
