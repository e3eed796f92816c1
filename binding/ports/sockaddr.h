/* bw_addr ↔ struct sockaddr, the one copy for the POSIX and the Windows
 * ports files: the BSD socket structures are the same in both. This header
 * includes no socket header itself; include it after the OS's own
 * (<netinet/in.h> or <ws2tcpip.h>), so it stays free of platform
 * conditionals. */
#ifndef BW_PORTS_SOCKADDR_H
#define BW_PORTS_SOCKADDR_H

#include <stdint.h>
#include <string.h>

#include "ports/ports.h"

/* Fills ss for addr:port; returns the length to pass to bind/connect. */
static inline int bw_to_sockaddr(const bw_addr* addr, int port, struct sockaddr_storage* ss) {
  memset(ss, 0, sizeof(*ss));
  if (addr->family == 4) {
    struct sockaddr_in* sin = (struct sockaddr_in*)ss;
    sin->sin_family = AF_INET;
    sin->sin_port = htons((uint16_t)port);
    memcpy(&sin->sin_addr, addr->bytes, 4);
    return (int)sizeof(*sin);
  } else {
    struct sockaddr_in6* sin6 = (struct sockaddr_in6*)ss;
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons((uint16_t)port);
    sin6->sin6_scope_id = addr->scope_id;
    memcpy(&sin6->sin6_addr, addr->bytes, 16);
    return (int)sizeof(*sin6);
  }
}

/* The port of an IPv4 or IPv6 socket address, in host order. */
static inline int bw_sockaddr_port(const struct sockaddr_storage* ss) {
  return ntohs(ss->ss_family == AF_INET ? ((const struct sockaddr_in*)ss)->sin_port
                                        : ((const struct sockaddr_in6*)ss)->sin6_port);
}

#endif
