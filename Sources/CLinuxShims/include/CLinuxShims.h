// Linux calls that Swift's Glibc module does not export, or exports without the constants we need.
// Every function is prefixed `lx_` and returns what the underlying call returns (-1 and errno on failure).
#ifndef CLINUXSHIMS_H
#define CLINUXSHIMS_H

#include <sys/types.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>

/// memfd_create(2).
int lx_memfd_create(const char *name, unsigned int flags);
/// pipe2(2) with O_CLOEXEC, so no pipe end leaks into a concurrently spawned child.
int lx_pipe_cloexec(int fds[2]);
/// prctl(PR_SET_PDEATHSIG, signal).
int lx_set_parent_death_signal(int signal);
/// prctl(PR_SET_CHILD_SUBREAPER, enabled).
int lx_set_child_subreaper(int enabled);
/// prctl(PR_GET_CHILD_SUBREAPER).
int lx_is_child_subreaper(void);
/// close_range(2).
int lx_close_range(unsigned int first, unsigned int last, unsigned int flags);
/// pidfd_open(2).
int lx_pidfd_open(pid_t pid, unsigned int flags);
/// pidfd_send_signal(2) without siginfo.
int lx_pidfd_send_signal(int pidfd, int signal);
/// futex(FUTEX_WAIT) on a 32-bit word (shared between processes), relative timeout in nanoseconds, or -1 to wait forever.
int lx_futex_wait(uint32_t *address, uint32_t expected, int64_t timeout_nanoseconds);
/// futex(FUTEX_WAKE): wakes up to `count` waiters; returns how many were woken.
int lx_futex_wake(uint32_t *address, int count);
/// gettid(2).
pid_t lx_gettid(void);
/// The process's environment block (`environ`), as Swift cannot safely name the C global.
char *const *lx_environ(void);

/// The POSIX_SPAWN_* flags, as values Swift can read.
extern const short lx_spawn_setpgroup;
extern const short lx_spawn_setsid;
extern const short lx_spawn_setsigmask;
extern const short lx_spawn_setsigdef;
/// posix_spawn_file_actions_addclosefrom_np (glibc 2.34): closes every descriptor from `first` up in the child.
int lx_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int first);
/// posix_spawn_file_actions_addchdir_np (glibc 2.29).
int lx_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// fflush(stdout) and fflush(stderr): Swift 6 cannot name the C globals `stdout` and `stderr` safely.
int lx_flush_standard_streams(void);
/// setvbuf(stdout, NULL, _IOLBF, 0): line-buffered stdout.
int lx_line_buffer_standard_output(void);

#endif
