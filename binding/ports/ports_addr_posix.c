/* Address literals on Linux and macOS: the three OS conversions that
 * ports_addr.c's parser and formatter call (ports.h), and nothing else, so
 * that the fuzz harness (fuzz/addr.c) links the same code the addon runs
 * without the sockets and threads of ports_posix.c. */
#define _POSIX_C_SOURCE 200809L
/* macOS hides BSD names (u_int in <net/if.h>) under a plain POSIX request. */
#define _DARWIN_C_SOURCE

#include <arpa/inet.h>
#include <net/if.h>

#include "ports/ports.h"

int bw__inet_pton(int family, const char* text, void* bytes) {
  return inet_pton(family == 4 ? AF_INET : AF_INET6, text, bytes) == 1;
}

bool bw__inet_ntop(int family, const void* bytes, char* buf, size_t size) {
  return inet_ntop(family == 4 ? AF_INET : AF_INET6, bytes, buf, (socklen_t)size) != NULL;
}

uint32_t bw__if_index(const char* name) {
  return if_nametoindex(name);
}
