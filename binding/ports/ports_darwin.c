/* Ports on macOS: the owner of a port through libproc (every process's
 * socket descriptors, PROC_PIDFDSOCKETINFO); no cheap listener check (the
 * waiter connects). The waiter's exit watch is os/procwatch_darwin.c's
 * kqueue. Not compiled or tested in this project's CI: there is no macOS
 * machine. */
#define _DARWIN_C_SOURCE

#include <errno.h>
#include <libproc.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/proc_info.h>

#include "ports/ports.h"
#include "ports/ports_posix.h"

/* No cheap listener check here: the waiter connects every time. */
void* bw__listener_check_open(void) {
  return NULL;
}

int bw__listener_check(void* check, const bw_addr* addr, int port) {
  (void)check;
  (void)addr;
  (void)port;
  return -1;
}

void bw__listener_check_close(void* check) {
  (void)check;
}

static bw_sock_state tcp_state(int st) {
  switch (st) {
    case TSI_S_LISTEN:
      return BW_SOCK_LISTEN;
    case TSI_S_SYN_SENT:
      return BW_SOCK_SYN_SENT;
    case TSI_S_SYN_RECEIVED:
      return BW_SOCK_SYN_RECV;
    case TSI_S_ESTABLISHED:
      return BW_SOCK_ESTABLISHED;
    case TSI_S__CLOSE_WAIT:
      return BW_SOCK_CLOSE_WAIT;
    case TSI_S_FIN_WAIT_1:
      return BW_SOCK_FIN_WAIT1;
    case TSI_S_CLOSING:
      return BW_SOCK_CLOSING;
    case TSI_S_LAST_ACK:
      return BW_SOCK_LAST_ACK;
    case TSI_S_FIN_WAIT_2:
      return BW_SOCK_FIN_WAIT2;
    case TSI_S_TIME_WAIT:
      return BW_SOCK_TIME_WAIT;
    case TSI_S_CLOSED:
      return BW_SOCK_CLOSE;
    default:
      return BW_SOCK_UNKNOWN;
  }
}

static int cmp_desc(const void* a, const void* b) {
  int x = *(const int*)a, y = *(const int*)b;
  return x < y ? 1 : x > y ? -1 : 0;
}

/* Checks one socket descriptor of pid; true when it sits on port (and
 * passes the filters), with its address and state filled in. */
static bool socket_matches(int pid, int fd, int port, bw_proto proto, const bw_addr* filters,
                           size_t nfilter, bw_addr* addr, bw_sock_state* state) {
  struct socket_fdinfo si;
  const struct in_sockinfo* ini;
  size_t i;
  bool match = nfilter == 0;
  if (proc_pidfdinfo(pid, fd, PROC_PIDFDSOCKETINFO, &si, PROC_PIDFDSOCKETINFO_SIZE) !=
      PROC_PIDFDSOCKETINFO_SIZE)
    return false;
  if (si.psi.soi_family != AF_INET && si.psi.soi_family != AF_INET6) return false;
  if (proto == BW_PROTO_TCP) {
    if (si.psi.soi_kind != SOCKINFO_TCP) return false;
    ini = &si.psi.soi_proto.pri_tcp.tcpsi_ini;
    *state = tcp_state(si.psi.soi_proto.pri_tcp.tcpsi_state);
  } else {
    if (si.psi.soi_kind != SOCKINFO_IN || si.psi.soi_protocol != IPPROTO_UDP) return false;
    ini = &si.psi.soi_proto.pri_in;
    *state = BW_SOCK_UNCONN;
  }
  if (ntohs((uint16_t)ini->insi_lport) != port) return false;
  memset(addr, 0, sizeof(*addr));
  if (ini->insi_vflag & INI_IPV4) {
    addr->family = 4;
    memcpy(addr->bytes, &ini->insi_laddr.ina_46.i46a_addr4, 4);
  } else {
    addr->family = 6;
    memcpy(addr->bytes, &ini->insi_laddr.ina_6, 16);
  }
  for (i = 0; i < nfilter && !match; i++) match = bw_addr_serves(addr, &filters[i]);
  return match;
}

/* Walks every process we may inspect, newest first, and keeps the best
 * ranked socket on the port; a listener ends the walk. Processes of other
 * users are invisible without root, so their sockets are not reported. */
bool bw_port_owner_find(int port, bw_proto proto, const bw_addr* filters, size_t nfilter,
                        bw_port_owner* out, bw_error* err) {
  int n, i, best = 3, *pids;
  struct proc_fdinfo* fds = NULL;
  int fds_size = 0;
  bool ok = false;

  memset(out, 0, sizeof(*out));
  out->pid = -1;
  n = proc_listallpids(NULL, 0);
  if (n <= 0) {
    bw_error_from_os(err, "proc_listallpids");
    return false;
  }
  n += 64;
  pids = calloc((size_t)n, sizeof(int));
  if (pids == NULL) {
    bw_error_set(err, BW_ERR_POSIX, ENOMEM, "calloc");
    return false;
  }
  n = proc_listallpids(pids, n * (int)sizeof(int));
  if (n <= 0) {
    bw_error_from_os(err, "proc_listallpids");
    goto cleanup;
  }
  qsort(pids, (size_t)n, sizeof(int), cmp_desc);
  for (i = 0; i < n && best > 0; i++) {
    int size = proc_pidinfo(pids[i], PROC_PIDLISTFDS, 0, NULL, 0), j, count;
    if (size <= 0) continue;
    if (size > fds_size) {
      struct proc_fdinfo* bigger = realloc(fds, (size_t)size);
      if (bigger == NULL) {
        bw_error_set(err, BW_ERR_POSIX, ENOMEM, "realloc");
        goto cleanup;
      }
      fds = bigger;
      fds_size = size;
    }
    size = proc_pidinfo(pids[i], PROC_PIDLISTFDS, 0, fds, fds_size);
    if (size <= 0) continue;
    count = size / (int)PROC_PIDLISTFD_SIZE;
    for (j = 0; j < count; j++) {
      bw_addr addr;
      bw_sock_state state;
      int rank;
      if (fds[j].proc_fdtype != PROX_FDTYPE_SOCKET) continue;
      if (!socket_matches(pids[i], fds[j].proc_fd, port, proto, filters, nfilter, &addr, &state))
        continue;
      rank = bw_sock_state_rank(proto, state);
      if (rank >= best) continue;
      best = rank;
      out->found = true;
      out->pid = pids[i];
      out->address = addr;
      out->state = state;
      out->name[0] = '\0';
      if (proc_name(pids[i], out->name, sizeof(out->name)) <= 0) out->name[0] = '\0';
    }
  }
  ok = true;

cleanup:
  free(fds);
  free(pids);
  return ok;
}
