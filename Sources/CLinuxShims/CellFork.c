// Forking a cell as process 1 of a PID namespace of its own, from a demo host that serves cells (`CellServer` in
// DemoHosting). Glibc has no call that forks into a new PID namespace: `unshare(CLONE_NEWPID)` makes the next
// child the first process of a new namespace, and `setns` on the caller's own namespace undoes that for the
// children after it, so that the next cell can have a namespace of its own again. `fork` itself stays glibc's
// (a raw `clone` would leave glibc's cached thread id, which robust mutexes rely on, wrong in the child).
#define _GNU_SOURCE
#include "CLinuxShims.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

pid_t lx_fork_into_new_pid_namespace(int own_pid_namespace) {
    if (unshare(CLONE_NEWPID) != 0) return -1;
    pid_t pid = fork();
    if (pid == 0) return 0;
    int saved = errno;
    // Should this fail, the next unshare fails too (EINVAL): no later cell joins this one's namespace.
    (void)setns(own_pid_namespace, CLONE_NEWPID);
    errno = saved;
    return pid;
}

int lx_can_fork_into_new_pid_namespaces(int own_pid_namespace) {
    if (unshare(CLONE_NEWPID) != 0) return 0;
    return setns(own_pid_namespace, CLONE_NEWPID) == 0;
}

int lx_mount_own_proc(void) {
    if (unshare(CLONE_NEWNS) != 0) return -1;
    // Every mount private first, so that neither this mount nor any the cell makes propagates back to the
    // parent's mount namespace.
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) return -1;
    return mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

// Cells that share a mount namespace one after another. Each mount namespace that ends frees its mounts, and the
// kernel waits for an expedited RCU grace period to do that (`namespace_unlock`): an IPI to every CPU and a wait,
// serialised between concurrent cells. A namespace per cell therefore cost a forked cell about 0.2 ms and kept two
// concurrent cells from running twice as many as one. A namespace that 32 cells use in turn pays that once.
int lx_make_cell_mount_namespace(int own_mount_namespace) {
    char directory[PATH_MAX];
    if (getcwd(directory, sizeof directory) == NULL) return -1;
    // Joining the namespace this process is in changes only its working directory (restored), and needs the same
    // rights as coming back to it below: without them, nothing has changed yet.
    if (setns(own_mount_namespace, CLONE_NEWNS) != 0) return -1;
    (void)chdir(directory);
    if (unshare(CLONE_NEWNS) != 0) return -1;
    int made = -1;
    // Every mount private: what a cell mounts stays out of the host's namespace, and the host's stay out of it.
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0) made = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
    int saved = errno;
    if (setns(own_mount_namespace, CLONE_NEWNS) != 0 && made >= 0) {
        // Checked above, so not expected; the host would go on in the copy, which holds the same mounts.
        saved = errno;
    }
    (void)chdir(directory);
    errno = saved;
    return made;
}

int lx_enter_cell_mount_namespace(int cell_mount_namespace) {
    char directory[PATH_MAX];
    int has_directory = getcwd(directory, sizeof directory) != NULL;
    if (setns(cell_mount_namespace, CLONE_NEWNS) != 0) return -1;
    if (has_directory) (void)chdir(directory);
    // Over the /proc of the cell before: unmounting that would cost the grace period this namespace avoids.
    return mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}
