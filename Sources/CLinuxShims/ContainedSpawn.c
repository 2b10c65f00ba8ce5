// Starting a program as the first process (init) of a new PID namespace that dies with the calling thread.
//
// posix_spawn cannot create namespaces, and swift-subprocess cannot either, so this is glibc's own recipe for
// posix_spawn (clone with CLONE_VM | CLONE_VFORK onto a small stack, all signals blocked around it) with the
// namespace flags added and a few steps in the child before execve. It is C because the child shares the
// parent's memory until execve and may only make raw system calls.
#define _GNU_SOURCE
#include "CLinuxShims.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <poll.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

struct lx_contained_child {
    const lx_contained_spawn *request;
    int self_pidfd;
    // Written by the child before it gives up; read by the parent once clone returns (shared memory).
    volatile int failed_step;
    volatile int failed_errno;
};

static int write_text(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t length = strlen(text);
    ssize_t written = write(fd, text, length);
    int saved = errno;
    close(fd);
    errno = saved;
    return written == (ssize_t)length ? 0 : -1;
}

static char *append_number(char *cursor, unsigned id) {
    char digits[16];
    int count = 0;
    do { digits[count++] = (char)('0' + id % 10); id /= 10; } while (id != 0);
    for (int index = count - 1; index >= 0; index--) *cursor++ = digits[index];
    return cursor;
}

// Formats "INSIDE OUTSIDE 1\n" without stdio (the child must not take locks the parent may hold).
static void format_map(char *buffer, unsigned inside, unsigned outside) {
    char *cursor = append_number(buffer, inside);
    *cursor++ = ' ';
    cursor = append_number(cursor, outside);
    *cursor++ = ' ';
    *cursor++ = '1';
    *cursor++ = '\n';
    *cursor = 0;
}

int lx_become_user_again(unsigned user_id, unsigned group_id) {
    char map[48];
    if (unshare(CLONE_NEWUSER) != 0) return -1;
    if (write_text("/proc/self/setgroups", "deny") != 0) return -1;
    format_map(map, user_id, 0);
    if (write_text("/proc/self/uid_map", map) != 0) return -1;
    format_map(map, group_id, 0);
    return write_text("/proc/self/gid_map", map);
}

static int child_main(void *argument) {
    struct lx_contained_child *child = argument;
    const lx_contained_spawn *request = child->request;
#define FAIL(step) do { child->failed_step = (step); child->failed_errno = errno; _exit(127); } while (0)

    // Signals: ignored ones back to the default (handlers are reset by execve), then the mask the parent cleared.
    for (int signal_number = 1; signal_number < NSIG; signal_number++) {
        struct sigaction current;
        if (sigaction(signal_number, NULL, &current) == 0 && current.sa_handler == SIG_IGN) {
            struct sigaction fallback;
            memset(&fallback, 0, sizeof fallback);
            fallback.sa_handler = SIG_DFL;
            sigaction(signal_number, &fallback, NULL);
        }
    }

    if (request->new_user_namespace) {
        char map[48];
        if (write_text("/proc/self/setgroups", "deny") != 0) FAIL(LX_CONTAINED_STEP_USER_MAP);
        format_map(map, request->map_to_root ? 0 : request->user_id, request->user_id);
        if (write_text("/proc/self/uid_map", map) != 0) FAIL(LX_CONTAINED_STEP_USER_MAP);
        format_map(map, request->map_to_root ? 0 : request->group_id, request->group_id);
        if (write_text("/proc/self/gid_map", map) != 0) FAIL(LX_CONTAINED_STEP_USER_MAP);
    }
    // A /proc of the new namespace, so that the program sees its own processes. Every mount is made private
    // first, so that neither this mount nor any the program makes propagates back to the parent's namespace.
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) FAIL(LX_CONTAINED_STEP_MOUNT_PROC);
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) FAIL(LX_CONTAINED_STEP_MOUNT_PROC);

    // Die with the spawning thread; if the parent is already gone, the request came too late: give up.
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) FAIL(LX_CONTAINED_STEP_SETUP);
    if (child->self_pidfd >= 0) {
        struct pollfd parent = { .fd = child->self_pidfd, .events = POLLIN };
        if (poll(&parent, 1, 0) != 0) _exit(127);
    }

    if (request->process_group == 1 && setpgid(0, 0) != 0) FAIL(LX_CONTAINED_STEP_SETUP);
    if (request->process_group == 2 && setsid() < 0) FAIL(LX_CONTAINED_STEP_SETUP);

    for (int index = 0; index < request->mapping_count; index++) {
        if (dup2(request->mapping_sources[index], request->mapping_targets[index]) < 0) FAIL(LX_CONTAINED_STEP_SETUP);
    }
    for (int index = 0; index < request->null_count; index++) {
        int target = request->null_targets[index];
        int fd = open("/dev/null", target == 0 ? O_RDONLY : O_WRONLY);
        if (fd < 0) FAIL(LX_CONTAINED_STEP_SETUP);
        if (fd != target) {
            if (dup2(fd, target) < 0) FAIL(LX_CONTAINED_STEP_SETUP);
            close(fd);
        }
    }
    // Descriptors 0 … first_closed - 1 are the child's; dup2 cleared their close-on-exec flags.
    if (syscall(SYS_close_range, (unsigned)request->first_closed, ~0U, 0) != 0) FAIL(LX_CONTAINED_STEP_SETUP);
    if (request->working_directory != NULL && chdir(request->working_directory) != 0) FAIL(LX_CONTAINED_STEP_EXEC);

    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execve(request->path, request->argv, request->envp);
    FAIL(LX_CONTAINED_STEP_EXEC);
#undef FAIL
}

// The running process's own pidfd, opened once: the child polls it to see whether its parent died before
// PR_SET_PDEATHSIG took effect.
static int self_pidfd(void) {
    static int descriptor = -2;
    int current = __atomic_load_n(&descriptor, __ATOMIC_ACQUIRE);
    if (current != -2) return current;
    int opened = (int)syscall(SYS_pidfd_open, getpid(), 0);
    if (opened >= 0) fcntl(opened, F_SETFD, FD_CLOEXEC);
    int expected = -2;
    if (!__atomic_compare_exchange_n(&descriptor, &expected, opened, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        if (opened >= 0) close(opened);
        return expected;
    }
    return opened;
}

int lx_spawn_contained(const lx_contained_spawn *request, pid_t *pid, int *pidfd, int *failed_step) {
    *failed_step = LX_CONTAINED_STEP_CLONE;
    struct lx_contained_child child = {
        .request = request, .self_pidfd = self_pidfd(), .failed_step = 0, .failed_errno = 0,
    };
    const size_t stack_size = 64 * 1024;
    char *stack = malloc(stack_size);
    if (stack == NULL) return ENOMEM;

    int flags = CLONE_VM | CLONE_VFORK | CLONE_PIDFD | CLONE_NEWPID | CLONE_NEWNS | SIGCHLD;
    if (request->new_user_namespace) flags |= CLONE_NEWUSER;

    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &previous);
    int descriptor = -1;
    pid_t created = clone(child_main, stack + stack_size, flags, &child, &descriptor);
    int clone_errno = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    free(stack);

    if (created < 0) return clone_errno;
    if (child.failed_step != 0) {
        // The child gave up before execve and has exited (CLONE_VFORK returns after that): reap it.
        int status;
        while (waitpid(created, &status, 0) < 0 && errno == EINTR) {}
        if (descriptor >= 0) close(descriptor);
        *failed_step = child.failed_step;
        return child.failed_errno != 0 ? child.failed_errno : EIO;
    }
    *failed_step = 0;
    *pid = created;
    *pidfd = descriptor;
    return 0;
}

// ── The namespace's first process ─────────────────────────────────────────────────────────────────────────────
static volatile int termination_report_fd = -1;

static void end_as_first_process(int signal_number) {
    // As process 1 of its namespace, the process cannot be ended by a signal it has no handler for: end it the
    // way the signal would have, and say so on the report descriptor, since the exit status cannot.
    int fd = termination_report_fd;
    if (fd >= 0) {
        char line[16] = "signal ";
        int cursor = 7;
        if (signal_number >= 10) line[cursor++] = (char)('0' + signal_number / 10);
        line[cursor++] = (char)('0' + signal_number % 10);
        line[cursor++] = '\n';
        ssize_t ignored = write(fd, line, (size_t)cursor);
        (void)ignored;
    }
    kill(-1, signal_number);
    _exit(128 + signal_number);
}

int lx_end_on_termination_signals_as_first_process(int report_fd) {
    termination_report_fd = report_fd;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = end_as_first_process;
    sigemptyset(&action.sa_mask);
    int signals[] = { SIGTERM, SIGINT, SIGHUP };
    for (unsigned index = 0; index < sizeof signals / sizeof signals[0]; index++) {
        if (sigaction(signals[index], &action, NULL) != 0) return -1;
    }
    return 0;
}
