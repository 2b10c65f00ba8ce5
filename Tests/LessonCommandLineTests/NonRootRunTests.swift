import LessonTestSupport
import SystemPackage
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `lesson` run by a user who is not root, as on a teacher's machine. The kernel then gives the cells a user
/// namespace of their own, and the demo host it keeps running cannot make PID namespaces there (an executed program
/// keeps no capabilities as an ordinary user), so each cell is executed instead, and still passes in a namespace of
/// its own. Run as root (as CI is), the test drops to `nobody` with util-linux's `setpriv`.
@Suite("lesson as an ordinary user")
struct NonRootRunTests {
    @Test func cellsRunAndPassInNamespacesOfTheirOwn() throws {
        guard getuid() == 0, access("/usr/bin/setpriv", X_OK) == 0 else { return }
        let runner = BuiltExecutables.fixtures
        // Every folder above the runner must let `nobody` through.
        var folder = runner.removingLastComponent()
        while !folder.isEmpty && folder.string != "/" {
            var status = stat()
            guard stat(folder.string, &status) == 0, status.st_mode & 0o001 != 0 else {
                Issue.record("\(folder) is not searchable by other users: cannot run \(runner) as nobody")
                return
            }
            folder = folder.removingLastComponent()
        }
        let lessons = try TemporaryFolder()
        try lessons.write(
            "user.md", "# User\n\n```swift demo=whoami\n```\n\n```swift demo=hello-lines args=1\n```\n")
        #expect(chmod(lessons.path.string, 0o755) == 0 && chmod(lessons.path.appending("user.md").string, 0o644) == 0)
        let run = try CommandRun.run(
            "/usr/bin/setpriv",
            ["--reuid", "65534", "--regid", "65534", "--clear-groups", runner.string, "run", "user.md"],
            in: lessons.path)
        #expect(run.termination == .exited(0), "\(run.standardOutput)\(run.standardError)")
        #expect(run.standardOutput.contains("pid 1\nprocesses 1\n"), "the cell is process 1 with its own /proc")
        #expect(run.standardOutput.contains("2 cells in 1 lesson: 2 passed"), "\(run.standardOutput)")
        #expect(!run.standardError.contains("without a PID namespace"), "\(run.standardError)")
    }
}
