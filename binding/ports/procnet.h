/* Pure parsers for Linux's socket tables: /proc/net/{tcp,udp}{,6} lines and
 * sock_diag (NETLINK_SOCK_DIAG) replies. No system calls, so they are fuzzed
 * on their own (fuzz/procnet_line.c, fuzz/sock_diag.c); ports_linux.c does
 * the reading. */
#ifndef BW_PROCNET_H
#define BW_PROCNET_H

#include <stdbool.h>
#include <stddef.h>

#include "ports/ports.h"

/* One socket of a table: its local address and port, the kernel's state
 * number (TCP_LISTEN is 10; the same numbers in both sources), its owner's
 * uid and its inode (0 for TIME_WAIT leftovers). */
typedef struct bw_net_sock {
  bw_addr addr;
  int port;
  unsigned state;
  unsigned uid;
  unsigned long long inode;
} bw_net_sock;

/* One line of a /proc/net table of family 4 or 6 (len bytes from line, need
 * not be NUL-terminated):
 *   "  0: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000
 *    00000000  1000 0 25387 1 ..."
 * Each address word is exactly 8 hex digits, the port 4, and a line counts
 * only when complete: fields follow the inode (both TCP and UDP tables print
 * more), so a line cut anywhere up to its inode is rejected, never read as
 * another socket. False for the header and anything malformed. */
bool bw_procnet_parse_line(const char* line, size_t len, int family, bw_net_sock* out);

typedef enum bw_diag_item {
  BW_DIAG_END,   /* no whole message left in the buffer: receive the next */
  BW_DIAG_SOCK,  /* *out is a socket */
  BW_DIAG_SKIP,  /* a message of another kind or family, or too short: go on */
  BW_DIAG_DONE,  /* NLMSG_DONE: the dump is complete */
  BW_DIAG_ERROR, /* NLMSG_ERROR: *error is its errno (EIO when it carries none) */
} bw_diag_item;

/* The next message of one sock_diag reply datagram [*p, end): advances *p
 * past it. A message that claims more bytes than are left is cut off: END,
 * nothing is read from it. Reads the buffer with memcpy, so any alignment
 * will do. */
bw_diag_item bw_diag_next(const char** p, const char* end, bw_net_sock* out, int* error);

/* The answer to a single-socket sock_diag request (bw__listener_check): 1
 * the socket exists, 0 the kernel answered ENOENT, -1 anything else. */
int bw_diag_lookup_answer(const char* buf, size_t len);

#endif
