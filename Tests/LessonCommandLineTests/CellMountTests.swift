import LessonTestSupport
import SystemPackage
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// What a cell mounts stays in its own mount namespace, even under a mount point that propagates its mounts to its
/// peers. The test makes such a point (a shared bind mount) inside a mount namespace of its own, made by util-linux's
/// `unshare`, so nothing reaches the machine; root only (as CI is).
@Suite("mounts made by cells")
struct CellMountTests {
    @Test(arguments: ["fork", "exec"])
    func aMountACellMakesDoesNotReachTheRunner(start: String) throws {
        guard getuid() == 0, access("/usr/bin/unshare", X_OK) == 0 else { return }
        let folder = try TemporaryFolder()
        let point = folder.path.appending("shared")
        #expect(mkdir(point.string, 0o755) == 0)
        let inner = point.appending("inner")
        #expect(mkdir(inner.string, 0o755) == 0)
        try folder.write("mount.md", "# Mount\n\n```swift demo=mount-tmpfs args=\"\(inner)\"\n```\n")
        let script = """
            set -e
            mount --bind "$POINT" "$POINT"
            mount --make-shared "$POINT"
            "$LESSON" run mount.md
            echo "runner sees: $(grep -c " $INNER " /proc/self/mountinfo || true)"
            """
        let run = try CommandRun.run(
            "/usr/bin/unshare", ["--mount", "--propagation", "unchanged", "/bin/sh", "-c", script],
            in: folder.path,
            environment: [
                "LESSON_CELL_START": start, "POINT": point.string, "INNER": inner.string,
                "LESSON": BuiltExecutables.fixtures.string,
            ])
        #expect(run.termination == .exited(0), "\(run.standardOutput)\(run.standardError)")
        #expect(run.standardOutput.contains("mounted \(inner)"), "the cell could mount: \(run.standardOutput)")
        #expect(run.standardOutput.contains("runner sees: 0\n"), "the mount stayed in the cell: \(run.standardOutput)")
    }
}
