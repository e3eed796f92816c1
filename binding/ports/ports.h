/* Ports: the bind probe behind findFreePort/isPortFree, the readiness waiter
 * behind waitForPort and the owner lookup behind portOwner. Neutral C types
 * only, never napi_env. The probe and the waiter's loop are written once
 * (ports_probe.c, ports_wait.c) over the OS files' sockets, thread and
 * sleep (ports_os.h: ports_posix.c, ports_win.c); the owner lookup is the
 * OS files' own (ports_linux.c or ports_darwin.c, see ports_posix.h, and
 * ports_win.c). */
#ifndef BW_PORTS_H
#define BW_PORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "os/error.h"
#include "tree/tree.h"

/* An IP address, family 4 or 6, bytes in network order. */
typedef struct bw_addr {
  int family;
  uint8_t bytes[16];
  uint32_t scope_id;
} bw_addr;

#define BW_ADDR_STRLEN 64

/* Parses an IPv4 or IPv6 literal (IPv6 with an optional %scope). */
bool bw_addr_parse(const char* text, bw_addr* out);
/* Formats addr the way Node prints addresses (no brackets, no scope). */
void bw_addr_format(const bw_addr* addr, char* buf, size_t size);

/* Per OS (ports_addr_posix.c, ports_win.c), for ports_addr.c: inet_pton /
 * inet_ntop for family 4 or 6, and an interface name's index (0 if none). */
int bw__inet_pton(int family, const char* text, void* bytes);
bool bw__inet_ntop(int family, const void* bytes, char* buf, size_t size);
uint32_t bw__if_index(const char* name);

/* --- bind probe ---------------------------------------------------------- */

typedef enum bw_probe_result {
  BW_PROBE_FREE = 0,
  BW_PROBE_IN_USE = -1,     /* EADDRINUSE */
  BW_PROBE_BLOCKED = -2,    /* EACCES: privileged or excluded (reserved) port */
  BW_PROBE_UNAVAILABLE = -3 /* the address or its family does not exist here */
} bw_probe_result;

/* Binds a TCP socket to addr:port the way a backend's server would and
 * closes it again. POSIX sets SO_REUSEADDR, as Node, Go and Python servers
 * do, so a port held only by TIME_WAIT leftovers counts as free; Windows
 * sets SO_EXCLUSIVEADDRUSE, without which a wildcard bind succeeds while
 * another socket holds 127.0.0.1 on the same port. IPv6 sockets are
 * dual-stack (IPV6_V6ONLY off), as Node's are. On FREE, *bound_port is the
 * port bound (the OS's choice when port is 0). UNAVAILABLE is returned only
 * when optional is set; otherwise it is an error like any other failure. */
bool bw_port_probe(const bw_addr* addr, int port, bool optional, bw_probe_result* result,
                   int* bound_port, bw_error* err);

/* --- readiness waiter ---------------------------------------------------- */

typedef enum bw_wait_status {
  BW_WAIT_CONNECTED,
  BW_WAIT_TIMED_OUT,
  BW_WAIT_EXITED, /* the watched process is gone (err holds ESRCH) */
  BW_WAIT_CANCELLED,
  BW_WAIT_FAILED /* err says why */
} bw_wait_status;

#define BW_WAIT_MAX_ADDRS 16

/* How often the waiter tries to connect. A refused loopback connect costs a
 * few microseconds of kernel time, so this buys millisecond detection for
 * well under 1% of one core (see bench/ports.js). */
#define BW_WAIT_INTERVAL_MS 4

typedef struct bw_wait_request {
  bw_addr addrs[BW_WAIT_MAX_ADDRS];
  size_t naddrs;
  int port;
  int64_t timeout_ms; /* negative: no timeout */
  int64_t pid;        /* 0: no process to watch */
} bw_wait_request;

/* Called exactly once, on the waiter's thread, at its end (after it the
 * thread only releases what it opened itself): with CANCELLED when
 * bw_port_waiter_cancel came first. connected is the address
 * that accepted (CONNECTED only, else NULL). */
typedef void (*bw_wait_done_fn)(void* ctx, bw_wait_status status, const bw_addr* connected,
                                const bw_error* err);

typedef struct bw_port_waiter bw_port_waiter;

/* Starts a thread that connects to each address of req in turn, every
 * BW_WAIT_INTERVAL_MS, until one accepts, the timeout passes, the watched
 * process exits or the waiter is cancelled. Sleeps in between on the cancel
 * signal and the process's exit, so both end the wait at once. */
bw_port_waiter* bw_port_waiter_start(const bw_wait_request* req, bw_wait_done_fn done, void* ctx,
                                     bw_error* err);
/* Asks the thread to stop (done then reports CANCELLED). Any thread;
 * idempotent. */
void bw_port_waiter_cancel(bw_port_waiter* w);
/* Cancels, waits for the thread to end and frees w. */
void bw_port_waiter_join(bw_port_waiter* w);

/* --- port owner ---------------------------------------------------------- */

typedef enum bw_proto { BW_PROTO_TCP, BW_PROTO_UDP } bw_proto;

/* Socket states, named as ss(8) names them. */
typedef enum bw_sock_state {
  BW_SOCK_UNKNOWN = 0,
  BW_SOCK_LISTEN,
  BW_SOCK_ESTABLISHED,
  BW_SOCK_SYN_SENT,
  BW_SOCK_SYN_RECV,
  BW_SOCK_FIN_WAIT1,
  BW_SOCK_FIN_WAIT2,
  BW_SOCK_TIME_WAIT,
  BW_SOCK_CLOSE,
  BW_SOCK_CLOSE_WAIT,
  BW_SOCK_LAST_ACK,
  BW_SOCK_CLOSING,
  BW_SOCK_UNCONN /* a bound, unconnected UDP socket */
} bw_sock_state;

typedef struct bw_port_owner {
  bool found;
  int64_t pid; /* -1: the socket's owner could not be inspected */
  char name[BW_PROC_NAME_MAX];
  bw_addr address;
  bw_sock_state state;
} bw_port_owner;

#define BW_OWNER_MAX_FILTERS 16

/* The process holding a socket on the local port, or found = false. With
 * filters (nfilter > 0) only sockets bound to one of those addresses or to a
 * wildcard count. TCP prefers a listener, then any other socket with an
 * owner, then TIME_WAIT leftovers (which have none). */
bool bw_port_owner_find(int port, bw_proto proto, const bw_addr* filters, size_t nfilter,
                        bw_port_owner* out, bw_error* err);

/* --- shared helpers (pure, every platform) -------------------------------- */

static inline bool bw_addr_is_wildcard(const bw_addr* a) {
  static const uint8_t zero[16] = {0};
  return memcmp(a->bytes, zero, a->family == 4 ? 4 : 16) == 0;
}

/* Whether a socket bound to local serves traffic for filter: the same
 * address, or a wildcard of its family. An IPv6 wildcard is taken to be
 * dual-stack (Node's default), so it serves IPv4 filters too. */
static inline bool bw_addr_serves(const bw_addr* local, const bw_addr* filter) {
  if (bw_addr_is_wildcard(local)) return local->family == 6 || filter->family == 4;
  return local->family == filter->family &&
         memcmp(local->bytes, filter->bytes, local->family == 4 ? 4 : 16) == 0;
}

/* Lower is better when several sockets match (see bw_port_owner_find). */
static inline int bw_sock_state_rank(bw_proto proto, bw_sock_state s) {
  if (proto == BW_PROTO_UDP) return 0;
  if (s == BW_SOCK_LISTEN) return 0;
  if (s == BW_SOCK_TIME_WAIT) return 2;
  return 1;
}

static inline const char* bw_sock_state_name(bw_sock_state s) {
  static const char* const names[] = {
      "UNKNOWN",   "LISTEN", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
      "TIME_WAIT", "CLOSE",  "CLOSE_WAIT",  "LAST_ACK", "CLOSING",  "UNCONN"};
  return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "UNKNOWN";
}

#endif
