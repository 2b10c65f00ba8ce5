import LessonTestSupport
import SystemPackage
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `lesson` run by a user who is not root, as on a teacher's machine. Namespaces then come with a user namespace:
/// the demo host the runner keeps running is root of its own (so that it may make PID namespaces for the cells),
/// and each cell takes the runner's user back. Run as root (as CI is), the test drops to `nobody` with
/// util-linux's `setpriv`, and runs the lesson with cells forked from the host and with cells executed.
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
            "user.md",
            "# User\n\n```swift demo=whoami\n```\n\n```swift demo=process-square args=7\n```\n\n"
                + "```swift demo=grandchild args=--exit\n```\n")
        #expect(chmod(lessons.path.string, 0o755) == 0 && chmod(lessons.path.appending("user.md").string, 0o644) == 0)
        for start in ["fork", "exec"] {
            let run = try CommandRun.run(
                "/usr/bin/setpriv",
                ["--reuid", "65534", "--regid", "65534", "--clear-groups", runner.string, "run", "user.md"],
                in: lessons.path, environment: ["LESSON_CELL_START": start])
            #expect(run.termination == .exited(0), "\(start): \(run.standardOutput)\(run.standardError)")
            #expect(run.standardOutput.contains("pid 1\nprocesses 1\nuser 65534 group 65534\n"),
                    "\(start): process 1 with its own /proc, as the runner's user: \(run.standardOutput)")
            #expect(run.standardOutput.contains("7² = 49"), "\(start): a spawn child ran")
            #expect(run.standardOutput.contains("ended 1 leftover process"), "\(start): \(run.standardOutput)")
            #expect(run.standardOutput.contains("3 cells in 1 lesson: 3 passed"), "\(start): \(run.standardOutput)")
            #expect(!run.standardError.contains("without a PID namespace"), "\(start): \(run.standardError)")
        }
    }
}
