// Forking a cell as process 1 of a PID namespace of its own, from a demo host that serves cells (`CellServer` in
// DemoHosting). Glibc has no call that forks into a new PID namespace: `unshare(CLONE_NEWPID)` makes the next
// child the first process of a new namespace, and `setns` on the caller's own namespace undoes that for the
// children after it, so that the next cell can have a namespace of its own again. `fork` itself stays glibc's
// (a raw `clone` would leave glibc's cached thread id, which robust mutexes rely on, wrong in the child).
#define _GNU_SOURCE
#include "CLinuxShims.h"

#include <errno.h>
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
    // Private first, so that the new mount does not propagate back to the parent's mount namespace.
    if (mount(NULL, "/proc", NULL, MS_REC | MS_PRIVATE, NULL) != 0) return -1;
    return mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}
