// Listening and connecting sockets for the Manager: Unix stream sockets at a path, and TCP on IPv4.
// Every function returns a close-on-exec descriptor, or -1 with errno set.
#pragma once

#include <stdint.h>

/// A Unix stream socket bound to `path` and listening.
int lx_listen_unix(const char *path, int backlog);
/// A Unix stream socket connected to `path`.
int lx_connect_unix(const char *path);
/// A TCP socket bound to `host` (dotted IPv4) and `port` (0: any free port) and listening; the bound port in
/// `bound_port`.
int lx_listen_tcp(const char *host, int port, int backlog, int *bound_port);
/// A TCP socket connected to `host` (dotted IPv4) and `port`, with Nagle's algorithm off.
int lx_connect_tcp(const char *host, int port);
/// The next connection on a listening socket, close-on-exec (TCP ones with Nagle's algorithm off).
int lx_accept_cloexec(int socket);
