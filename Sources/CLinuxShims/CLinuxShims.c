#define _GNU_SOURCE
#include "CLinuxShims.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <stdio.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

int lx_memfd_create(const char *name, unsigned int flags) { return memfd_create(name, flags); }

int lx_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int lx_set_parent_death_signal(int signal) { return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0, 0, 0); }

int lx_set_child_subreaper(int enabled) { return prctl(PR_SET_CHILD_SUBREAPER, (unsigned long)(enabled != 0), 0, 0, 0); }

int lx_is_child_subreaper(void) {
    int value = 0;
    if (prctl(PR_GET_CHILD_SUBREAPER, (unsigned long)&value, 0, 0, 0) != 0) return -1;
    return value;
}

int lx_close_range(unsigned int first, unsigned int last, unsigned int flags) {
    return (int)syscall(SYS_close_range, first, last, flags);
}

int lx_pidfd_open(pid_t pid, unsigned int flags) { return (int)syscall(SYS_pidfd_open, pid, flags); }

int lx_pidfd_send_signal(int pidfd, int signal) {
    return (int)syscall(SYS_pidfd_send_signal, pidfd, signal, NULL, 0);
}

int lx_futex_wait(uint32_t *address, uint32_t expected, int64_t timeout_nanoseconds) {
    struct timespec timeout;
    struct timespec *timeout_pointer = NULL;
    if (timeout_nanoseconds >= 0) {
        timeout.tv_sec = (time_t)(timeout_nanoseconds / 1000000000);
        timeout.tv_nsec = (long)(timeout_nanoseconds % 1000000000);
        timeout_pointer = &timeout;
    }
    return (int)syscall(SYS_futex, address, FUTEX_WAIT, expected, timeout_pointer, NULL, 0);
}

int lx_futex_wake(uint32_t *address, int count) {
    return (int)syscall(SYS_futex, address, FUTEX_WAKE, count, NULL, NULL, 0);
}

pid_t lx_gettid(void) { return (pid_t)syscall(SYS_gettid); }

extern char **environ;
char *const *lx_environ(void) { return environ; }

const short lx_spawn_setpgroup = POSIX_SPAWN_SETPGROUP;
const short lx_spawn_setsid = POSIX_SPAWN_SETSID;
const short lx_spawn_setsigmask = POSIX_SPAWN_SETSIGMASK;
const short lx_spawn_setsigdef = POSIX_SPAWN_SETSIGDEF;

int lx_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int first) {
    return posix_spawn_file_actions_addclosefrom_np(actions, first);
}

int lx_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

int lx_flush_standard_streams(void) {
    int out = fflush(stdout);
    int err = fflush(stderr);
    return out != 0 ? out : err;
}

int lx_line_buffer_standard_output(void) { return setvbuf(stdout, NULL, _IOLBF, 0); }
