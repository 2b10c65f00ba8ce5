#define _GNU_SOURCE
#include "CLinuxSockets.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int fill_unix_address(struct sockaddr_un *address, const char *path) {
    memset(address, 0, sizeof *address);
    address->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof address->sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(address->sun_path, path);
    return 0;
}

static int fill_inet_address(struct sockaddr_in *address, const char *host, int port) {
    memset(address, 0, sizeof *address);
    address->sin_family = AF_INET;
    address->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &address->sin_addr) != 1) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

static void no_delay(int fd) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

int lx_listen_unix(const char *path, int backlog) {
    struct sockaddr_un address;
    if (fill_unix_address(&address, path) != 0) return -1;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (bind(fd, (struct sockaddr *)&address, sizeof address) != 0 || listen(fd, backlog) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

/* A new close-on-exec stream socket of `family` connected to `address` (connect retried on EINTR), or -1 with
   errno set and nothing left open. */
static int connect_new_socket(int family, const struct sockaddr *address, socklen_t length) {
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int result;
    do {
        result = connect(fd, address, length);
    } while (result != 0 && errno == EINTR);
    if (result != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int lx_connect_unix(const char *path) {
    struct sockaddr_un address;
    if (fill_unix_address(&address, path) != 0) return -1;
    return connect_new_socket(AF_UNIX, (struct sockaddr *)&address, sizeof address);
}

int lx_listen_tcp(const char *host, int port, int backlog, int *bound_port) {
    struct sockaddr_in address;
    if (fill_inet_address(&address, host, port) != 0) return -1;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    socklen_t length = sizeof address;
    if (bind(fd, (struct sockaddr *)&address, sizeof address) != 0 || listen(fd, backlog) != 0
        || getsockname(fd, (struct sockaddr *)&address, &length) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    *bound_port = ntohs(address.sin_port);
    return fd;
}

int lx_connect_tcp(const char *host, int port) {
    struct sockaddr_in address;
    if (fill_inet_address(&address, host, port) != 0) return -1;
    int fd = connect_new_socket(AF_INET, (struct sockaddr *)&address, sizeof address);
    if (fd >= 0) no_delay(fd);
    return fd;
}

int lx_accept_cloexec(int socket) {
    struct sockaddr_storage address;
    socklen_t length = sizeof address;
    int fd;
    do {
        fd = accept4(socket, (struct sockaddr *)&address, &length, SOCK_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd >= 0 && address.ss_family == AF_INET) no_delay(fd);
    return fd;
}
