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
/// Fills `length` bytes with random bytes from the kernel (getrandom(2), retried on EINTR and short reads): 0, or
/// -1 with errno set.
int lx_fill_random(void *buffer, unsigned long length);
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

/// What ``lx_spawn_contained`` starts: a program, its descriptors and its process group, as posix_spawn's
/// configuration says them.
typedef struct {
    const char *path;
    char *const *argv;
    char *const *envp;
    /// dup2(mapping_sources[i], mapping_targets[i]) in this order.
    const int *mapping_sources;
    const int *mapping_targets;
    int mapping_count;
    /// Descriptors opened on /dev/null (0 read-only, others write-only).
    const int *null_targets;
    int null_count;
    /// Every descriptor from here up is closed.
    int first_closed;
    /// NULL keeps the current directory.
    const char *working_directory;
    /// 0 keeps the group, 1 a new group (setpgid), 2 a new session (setsid).
    int process_group;
    /// Also a new user namespace mapping only `user_id` and `group_id`, for a caller without CAP_SYS_ADMIN.
    int new_user_namespace;
    unsigned user_id;
    unsigned group_id;
    /// With a new user namespace: 1 maps `user_id` and `group_id` to 0 inside (the program keeps its capabilities
    /// there after execve), 0 to themselves.
    int map_to_root;
} lx_contained_spawn;

/// Where lx_spawn_contained failed.
enum {
    LX_CONTAINED_STEP_CLONE = 1,      // clone refused the namespaces (or could not create the process)
    LX_CONTAINED_STEP_USER_MAP = 2,   // writing the user namespace's maps
    LX_CONTAINED_STEP_MOUNT_PROC = 3, // mounting the namespace's /proc
    LX_CONTAINED_STEP_SETUP = 4,      // descriptors, process group, parent-death signal
    LX_CONTAINED_STEP_EXEC = 5,       // chdir or execve
};

/// Starts `request` as process 1 of a new PID namespace, in a new mount namespace with its own /proc (and a new
/// user namespace if asked), with SIGKILL as its parent-death signal: when it exits or is killed, the kernel kills
/// every process of its namespace. Returns 0 and the pid and a pidfd (close-on-exec), or an errno and the step
/// that failed (`failed_step`); a child that failed was reaped.
int lx_spawn_contained(const lx_contained_spawn *request, pid_t *pid, int *pidfd, int *failed_step);

/// For process 1 of a PID namespace, which ignores the signals it has no handler for: on SIGTERM, SIGINT or SIGHUP,
/// writes "signal N\n" to `report_fd` (if not negative), sends the signal to every other process of the namespace,
/// and exits with 128 + N.
int lx_end_on_termination_signals_as_first_process(int report_fd);

/// fork(2) with the child as process 1 of a new PID namespace (unshare(CLONE_NEWPID), fork); then this process's
/// later children start in `own_pid_namespace` (a descriptor of /proc/self/ns/pid) again. 0 in the child, the
/// child's pid in the parent, -1 and errno on failure.
pid_t lx_fork_into_new_pid_namespace(int own_pid_namespace);
/// Whether this process may make new PID namespaces for its children and return to its own (`own_pid_namespace`)
/// afterwards, as lx_fork_into_new_pid_namespace does: 1 or 0. It needs CAP_SYS_ADMIN in its user namespace, which
/// a program executed in a user namespace as a user other than its root does not have.
int lx_can_fork_into_new_pid_namespaces(int own_pid_namespace);
/// For a process whose user namespace maps 0 to its runner's user and group (a demo host that serves cells
/// started by a runner that is not root): a user namespace of its own in which it is that user and group again,
/// with setgroups denied. Call after everything that needs the parent namespace's capabilities.
int lx_become_user_again(unsigned user_id, unsigned group_id);
/// Gives the calling process a mount namespace of its own with a /proc of its PID namespace (unshare, mount).
int lx_mount_own_proc(void);
/// A new mount namespace, a copy of this process's with every mount private, for cells to use one after another
/// (lx_enter_cell_mount_namespace): its descriptor, or -1 and errno. The caller stays in `own_mount_namespace` (a
/// descriptor of /proc/self/ns/mnt) and in its working directory. Single-threaded callers only (setns).
int lx_make_cell_mount_namespace(int own_mount_namespace);
/// Joins a namespace from lx_make_cell_mount_namespace, keeps the working directory, and mounts a /proc of the
/// caller's PID namespace over the one the cell before it mounted: 0, or -1 and errno.
int lx_enter_cell_mount_namespace(int cell_mount_namespace);

/// fflush(stdout) and fflush(stderr): Swift 6 cannot name the C globals `stdout` and `stderr` safely.
int lx_flush_standard_streams(void);
/// setvbuf(stdout, NULL, _IOLBF, 0): line-buffered stdout.
int lx_line_buffer_standard_output(void);


// ── Multiprocessing ────────────────────────────────────────────────────────────────────────────────────────────
/// socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC).
int lx_socketpair_cloexec(int fds[2]);
/// socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC): where a queue parks the descriptors its items carry.
int lx_socketpair_datagram_cloexec(int fds[2]);
/// The most descriptors one lx_send_descriptors or lx_receive_descriptors carries.
#define LX_MAX_DESCRIPTORS 64
/// send(2) with MSG_NOSIGNAL: a closed peer gives EPIPE, never SIGPIPE.
long lx_send_nosignal(int fd, const void *buffer, unsigned long length);
/// recv(2) with MSG_DONTWAIT: -1 and EAGAIN when nothing is there yet.
long lx_receive_nowait(int fd, void *buffer, unsigned long length);
/// sendmsg(2) of `length` bytes with `count` descriptors attached (SCM_RIGHTS), MSG_NOSIGNAL, and MSG_DONTWAIT
/// when `nowait` (-1 and EAGAIN when the socket is full).
long lx_send_descriptors(int socket, const void *buffer, unsigned long length, const int *fds, int count, int nowait);
/// recvmsg(2) of up to `length` bytes, receiving up to `capacity` descriptors (close-on-exec) into `fds` and closing
/// any more; `*count` is set to how many it kept. MSG_DONTWAIT when `nowait` (-1 and EAGAIN when nothing is there).
long lx_receive_descriptors(int socket, void *buffer, unsigned long length, int *fds, int capacity, int *count,
                            int nowait);
/// The number of CPUs in this process's affinity mask (sched_getaffinity), or -1.
int lx_affinity_cpu_count(void);
/// Pins this process (its calling thread and threads it starts later) to one CPU (sched_setaffinity).
int lx_pin_to_cpu(int cpu);
/// Allows this process every online CPU again (sched_setaffinity).
int lx_unpin(void);
/// fork(2).
pid_t lx_fork(void);
/// getppid(2).
pid_t lx_getppid(void);
/// sizeof(pthread_mutex_t).
int lx_shared_mutex_size(void);
/// Atomic load, store and add on 32- and 64-bit words in shared memory (sequentially consistent).
uint32_t lx_atomic_load_u32(const uint32_t *address);
void lx_atomic_store_u32(uint32_t *address, uint32_t value);
uint32_t lx_atomic_add_u32(uint32_t *address, uint32_t value);
uint32_t lx_atomic_sub_u32(uint32_t *address, uint32_t value);
uint64_t lx_atomic_load_u64(const uint64_t *address);
void lx_atomic_store_u64(uint64_t *address, uint64_t value);
/// Atomic exchange on a 32-bit word: stores `value` and returns what was there.
uint32_t lx_atomic_exchange_u32(uint32_t *address, uint32_t value);
/// Atomic compare-and-exchange on a 32-bit word: returns 1 and stores `desired` when `*address == expected`.
int lx_atomic_compare_exchange_u32(uint32_t *address, uint32_t expected, uint32_t desired);
/// A hint to the CPU that the caller is polling memory in a loop (x86 `pause`, Arm `yield`).
void lx_cpu_relax(void);

// ── Synchronization: robust, process-shared mutexes that report a dead owner ─────────────────────────────────────
/// Initialises a process-shared, robust pthread mutex at `mutex`; `recursive` makes it PTHREAD_MUTEX_RECURSIVE.
int lx_robust_mutex_init(void *mutex, int recursive);
/// Locks. Returns 0; EOWNERDEAD when the previous holder died holding it (the mutex is then made consistent and is
/// held by the caller); or another errno value.
int lx_robust_mutex_lock(void *mutex);
/// As lx_robust_mutex_lock, without waiting: EBUSY when another holds it.
int lx_robust_mutex_trylock(void *mutex);
/// As lx_robust_mutex_lock, giving up after `timeout_nanoseconds` (relative; CLOCK_MONOTONIC): ETIMEDOUT.
int lx_robust_mutex_timedlock(void *mutex, int64_t timeout_nanoseconds);
/// Unlocks: 0, or EPERM when the caller does not hold it.
int lx_robust_mutex_unlock(void *mutex);
/// The C baseline of the synchronization benchmarks: `pairs` lock + unlock pairs of a process-shared mutex (robust
/// when `robust` is non-zero) in a loop in C. Returns the elapsed nanoseconds (CLOCK_MONOTONIC).
int64_t lx_bench_mutex_pairs(int64_t pairs, int robust);

/// The running executable's GNU build ID (the linker's `--build-id` note): copies up to `capacity` bytes to `out` and
/// returns how many, or -1 when the executable has none.
int lx_executable_build_id(unsigned char *out, int capacity);

#endif
#include "CLinuxSockets.h"
#include "lx_bench.h"
#include "lx_fuzz.h"
