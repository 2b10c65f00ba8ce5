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
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/random.h>

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

int lx_fill_random(void *buffer, unsigned long length) {
    unsigned char *bytes = buffer;
    while (length > 0) {
        ssize_t got = getrandom(bytes, length, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        bytes += got;
        length -= (unsigned long)got;
    }
    return 0;
}

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

int lx_socketpair_cloexec(int fds[2]) { return socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds); }

int lx_socketpair_datagram_cloexec(int fds[2]) { return socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, fds); }

long lx_send_nosignal(int fd, const void *buffer, unsigned long length) {
    return (long)send(fd, buffer, length, MSG_NOSIGNAL);
}

long lx_receive_nowait(int fd, void *buffer, unsigned long length) {
    return (long)recv(fd, buffer, length, MSG_DONTWAIT);
}

long lx_send_descriptors(int socket, const void *buffer, unsigned long length, const int *fds, int count, int nowait) {
    if (count < 0 || count > LX_MAX_DESCRIPTORS) { errno = EINVAL; return -1; }
    struct iovec iov = { .iov_base = (void *)buffer, .iov_len = length };
    union { char bytes[CMSG_SPACE(sizeof(int) * LX_MAX_DESCRIPTORS)]; struct cmsghdr align; } control;
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    if (count > 0) {
        memset(&control, 0, sizeof control);
        message.msg_control = control.bytes;
        message.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)count);
        struct cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)count);
        memcpy(CMSG_DATA(header), fds, sizeof(int) * (size_t)count);
    }
    return (long)sendmsg(socket, &message, MSG_NOSIGNAL | (nowait ? MSG_DONTWAIT : 0));
}

long lx_receive_descriptors(int socket, void *buffer, unsigned long length, int *fds, int capacity, int *count,
                            int nowait) {
    *count = 0;
    if (capacity < 0 || capacity > LX_MAX_DESCRIPTORS) { errno = EINVAL; return -1; }
    struct iovec iov = { .iov_base = buffer, .iov_len = length };
    union { char bytes[CMSG_SPACE(sizeof(int) * LX_MAX_DESCRIPTORS)]; struct cmsghdr align; } control;
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control.bytes;
    message.msg_controllen = sizeof control.bytes;
    long received = (long)recvmsg(socket, &message, MSG_CMSG_CLOEXEC | (nowait ? MSG_DONTWAIT : 0));
    if (received < 0) return received;
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
        int arrived = (int)((header->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        int *data = (int *)CMSG_DATA(header);
        for (int index = 0; index < arrived; index++) {
            if (*count < capacity) fds[(*count)++] = data[index];
            else close(data[index]);
        }
    }
    return received;
}

int lx_affinity_cpu_count(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return -1;
    return CPU_COUNT(&set);
}

int lx_pin_to_cpu(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set);
}

int lx_unpin(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    long count = sysconf(_SC_NPROCESSORS_ONLN);
    for (long cpu = 0; cpu < count && cpu < CPU_SETSIZE; cpu++) CPU_SET((int)cpu, &set);
    return sched_setaffinity(0, sizeof set, &set);
}

pid_t lx_fork(void) { return fork(); }

pid_t lx_getppid(void) { return getppid(); }

int lx_shared_mutex_size(void) { return (int)sizeof(pthread_mutex_t); }

uint32_t lx_atomic_load_u32(const uint32_t *address) { return __atomic_load_n(address, __ATOMIC_SEQ_CST); }
void lx_atomic_store_u32(uint32_t *address, uint32_t value) { __atomic_store_n(address, value, __ATOMIC_SEQ_CST); }
uint32_t lx_atomic_add_u32(uint32_t *address, uint32_t value) {
    return __atomic_add_fetch(address, value, __ATOMIC_SEQ_CST);
}
uint32_t lx_atomic_sub_u32(uint32_t *address, uint32_t value) {
    return __atomic_sub_fetch(address, value, __ATOMIC_SEQ_CST);
}
uint64_t lx_atomic_load_u64(const uint64_t *address) { return __atomic_load_n(address, __ATOMIC_SEQ_CST); }
void lx_atomic_store_u64(uint64_t *address, uint64_t value) { __atomic_store_n(address, value, __ATOMIC_SEQ_CST); }
uint32_t lx_atomic_exchange_u32(uint32_t *address, uint32_t value) {
    return __atomic_exchange_n(address, value, __ATOMIC_SEQ_CST);
}

int lx_atomic_compare_exchange_u32(uint32_t *address, uint32_t expected, uint32_t desired) {
    return __atomic_compare_exchange_n(address, &expected, desired, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

void lx_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

int lx_robust_mutex_init(void *mutex, int recursive) {
    pthread_mutexattr_t attributes;
    int result = pthread_mutexattr_init(&attributes);
    if (result != 0) return result;
    pthread_mutexattr_setpshared(&attributes, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&attributes, PTHREAD_MUTEX_ROBUST);
    if (recursive) pthread_mutexattr_settype(&attributes, PTHREAD_MUTEX_RECURSIVE);
    result = pthread_mutex_init((pthread_mutex_t *)mutex, &attributes);
    pthread_mutexattr_destroy(&attributes);
    return result;
}

static int lx_robust_result(pthread_mutex_t *mutex, int result) {
    if (result == EOWNERDEAD) {
        int consistent = pthread_mutex_consistent(mutex);
        return consistent == 0 ? EOWNERDEAD : consistent;
    }
    return result;
}

int lx_robust_mutex_lock(void *mutex) {
    return lx_robust_result((pthread_mutex_t *)mutex, pthread_mutex_lock((pthread_mutex_t *)mutex));
}

int lx_robust_mutex_trylock(void *mutex) {
    return lx_robust_result((pthread_mutex_t *)mutex, pthread_mutex_trylock((pthread_mutex_t *)mutex));
}

int lx_robust_mutex_timedlock(void *mutex, int64_t timeout_nanoseconds) {
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    if (timeout_nanoseconds < 0) timeout_nanoseconds = 0;
    deadline.tv_sec += (time_t)(timeout_nanoseconds / 1000000000);
    deadline.tv_nsec += (long)(timeout_nanoseconds % 1000000000);
    if (deadline.tv_nsec >= 1000000000) { deadline.tv_sec += 1; deadline.tv_nsec -= 1000000000; }
    return lx_robust_result((pthread_mutex_t *)mutex,
                            pthread_mutex_clocklock((pthread_mutex_t *)mutex, CLOCK_MONOTONIC, &deadline));
}

int lx_robust_mutex_unlock(void *mutex) { return pthread_mutex_unlock((pthread_mutex_t *)mutex); }

int64_t lx_bench_mutex_pairs(int64_t pairs, int robust) {
    void *memory = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) return -1;
    pthread_mutex_t *mutex = (pthread_mutex_t *)memory;
    pthread_mutexattr_t attributes;
    pthread_mutexattr_init(&attributes);
    pthread_mutexattr_setpshared(&attributes, PTHREAD_PROCESS_SHARED);
    if (robust) pthread_mutexattr_setrobust(&attributes, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(mutex, &attributes);
    pthread_mutexattr_destroy(&attributes);
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (int64_t index = 0; index < pairs; index++) {
        pthread_mutex_lock(mutex);
        pthread_mutex_unlock(mutex);
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    pthread_mutex_destroy(mutex);
    munmap(memory, 4096);
    return (int64_t)(end.tv_sec - start.tv_sec) * 1000000000 + (end.tv_nsec - start.tv_nsec);
}
