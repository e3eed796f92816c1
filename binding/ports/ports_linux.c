/* Ports on Linux: the owner of a port (sock_diag netlink, or /proc/net where
 * that is missing, for the socket's inode; then the process whose
 * /proc/<pid>/fd links to socket:[inode]), and the waiter's sock_diag
 * listener check. */
#define _GNU_SOURCE

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "ports/ports.h"
#include "ports/ports_posix.h"
#include "ports/procnet.h"
#include "os/readfile.h"
#include "tree/procfs.h"

/* --- sockets on the port ------------------------------------------------ */

#define MAX_CANDIDATES 64
#define TCPF_LISTEN_BIT (1u << 10) /* TCP_LISTEN */

typedef struct candidate {
  unsigned long long inode;
  unsigned uid;
  bw_addr addr;
  bw_sock_state state;
  int rank;
} candidate;

typedef struct candidates {
  candidate list[MAX_CANDIDATES];
  size_t n;
  char buf[32768]; /* netlink replies */
} candidates;

/* Linux's TCP states, the same numbers in /proc/net and sock_diag. */
static bw_sock_state linux_state(bw_proto proto, unsigned st) {
  static const bw_sock_state map[] = {BW_SOCK_UNKNOWN,   BW_SOCK_ESTABLISHED, BW_SOCK_SYN_SENT,
                                      BW_SOCK_SYN_RECV,  BW_SOCK_FIN_WAIT1,   BW_SOCK_FIN_WAIT2,
                                      BW_SOCK_TIME_WAIT, BW_SOCK_CLOSE,       BW_SOCK_CLOSE_WAIT,
                                      BW_SOCK_LAST_ACK,  BW_SOCK_LISTEN,      BW_SOCK_CLOSING,
                                      BW_SOCK_SYN_RECV /* TCP_NEW_SYN_RECV */};
  if (proto == BW_PROTO_UDP) return st == 1 ? BW_SOCK_ESTABLISHED : BW_SOCK_UNCONN;
  return st < sizeof(map) / sizeof(map[0]) ? map[st] : BW_SOCK_UNKNOWN;
}

static void add_candidate(candidates* out, bw_proto proto, const bw_net_sock* s,
                          const bw_addr* filters, size_t nfilter) {
  size_t i;
  bool match = nfilter == 0;
  candidate* c;
  for (i = 0; i < nfilter && !match; i++) match = bw_addr_serves(&s->addr, &filters[i]);
  if (!match || out->n == MAX_CANDIDATES) return;
  c = &out->list[out->n++];
  c->addr = s->addr;
  c->inode = s->inode;
  c->uid = s->uid;
  c->state = linux_state(proto, s->state);
  c->rank = bw_sock_state_rank(proto, c->state);
}

/* One sock_diag dump of family's sockets in states on port (the kernel
 * filters by port; checked again here). Returns 0 or a positive errno. */
static int diag_dump(int nl, int family, bw_proto proto, uint32_t states, int port,
                     const bw_addr* filters, size_t nfilter, candidates* out) {
  struct {
    struct nlmsghdr h;
    struct inet_diag_req_v2 r;
  } req;
  memset(&req, 0, sizeof(req));
  req.h.nlmsg_len = sizeof(req);
  req.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.r.sdiag_family = (uint8_t)(family == 4 ? AF_INET : AF_INET6);
  req.r.sdiag_protocol = proto == BW_PROTO_TCP ? IPPROTO_TCP : IPPROTO_UDP;
  req.r.idiag_states = states;
  req.r.id.idiag_sport = htons((uint16_t)port);
  if (send(nl, &req, sizeof(req), 0) < 0) return errno;
  for (;;) {
    ssize_t n = recv(nl, out->buf, sizeof(out->buf), 0);
    const char* p = out->buf;
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? errno : EIO;
    for (;;) {
      bw_net_sock s;
      int e = 0;
      bw_diag_item item = bw_diag_next(&p, out->buf + n, &s, &e);
      if (item == BW_DIAG_END) break;
      if (item == BW_DIAG_DONE) return 0;
      if (item == BW_DIAG_ERROR) return e;
      if (item == BW_DIAG_SOCK && s.port == port) add_candidate(out, proto, &s, filters, nfilter);
    }
  }
}

/* The sockets on port through sock_diag: listeners first, since only they
 * are cheap to list (everything else means a walk of the whole connection
 * table). False when sock_diag is not available here. */
static bool scan_diag(bw_proto proto, int port, const bw_addr* filters, size_t nfilter,
                      candidates* out) {
  uint32_t first = proto == BW_PROTO_TCP ? TCPF_LISTEN_BIT : ~0u;
  int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  bool ok = false;
  if (nl < 0) return false;
  if (diag_dump(nl, 4, proto, first, port, filters, nfilter, out) != 0) goto done;
  /* No IPv6 in this kernel answers with an error: nothing to add. */
  (void)diag_dump(nl, 6, proto, first, port, filters, nfilter, out);
  if (out->n == 0 && proto == BW_PROTO_TCP) {
    (void)diag_dump(nl, 4, proto, ~TCPF_LISTEN_BIT, port, filters, nfilter, out);
    (void)diag_dump(nl, 6, proto, ~TCPF_LISTEN_BIT, port, filters, nfilter, out);
  }
  ok = true;
done:
  close(nl);
  return ok;
}

/* --- the waiter's listener check -------------------------------------- */

/* A sock_diag socket per waiter. A request naming one local address and
 * port is answered with the kernel's own socket lookup for an incoming SYN
 * (inet_diag_find_one_icsk), without a handshake: about a third of the CPU
 * of a refused connect. Since "no such socket" and "no sock_diag for this
 * family" both answer ENOENT, each family is first tried with a dump. */
typedef struct listener_check {
  int fd;
  bool family_ok[2]; /* IPv4, IPv6 */
} listener_check;

static bool diag_family_works(int nl, int family) {
  struct {
    struct nlmsghdr h;
    struct inet_diag_req_v2 r;
  } req;
  char buf[8192];
  memset(&req, 0, sizeof(req));
  req.h.nlmsg_len = sizeof(req);
  req.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.r.sdiag_family = (uint8_t)family;
  req.r.sdiag_protocol = IPPROTO_TCP;
  req.r.idiag_states = TCPF_LISTEN_BIT;
  req.r.id.idiag_sport = htons(1); /* any port: only the answer's kind counts */
  if (send(nl, &req, sizeof(req), 0) < 0) return false;
  for (;;) {
    ssize_t n = recv(nl, buf, sizeof(buf), 0);
    const char* p = buf;
    bw_diag_item item;
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    do {
      bw_net_sock s;
      int e = 0;
      item = bw_diag_next(&p, buf + n, &s, &e);
      if (item == BW_DIAG_DONE) return true;
      if (item == BW_DIAG_ERROR) return false;
    } while (item != BW_DIAG_END);
  }
}

void* bw__listener_check_open(void) {
  listener_check* c = calloc(1, sizeof(*c));
  if (c == NULL) return NULL;
  c->fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (c->fd >= 0) {
    c->family_ok[0] = diag_family_works(c->fd, AF_INET);
    c->family_ok[1] = diag_family_works(c->fd, AF_INET6);
  }
  if (c->fd < 0 || (!c->family_ok[0] && !c->family_ok[1])) {
    bw__listener_check_close(c);
    return NULL;
  }
  return c;
}

int bw__listener_check(void* check, const bw_addr* addr, int port) {
  listener_check* c = check;
  struct {
    struct nlmsghdr h;
    struct inet_diag_req_v2 r;
  } req;
  char buf[1024];
  ssize_t n;
  if (c == NULL || !c->family_ok[addr->family == 4 ? 0 : 1]) return -1;
  memset(&req, 0, sizeof(req));
  req.h.nlmsg_len = sizeof(req);
  req.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  req.h.nlmsg_flags = NLM_F_REQUEST;
  req.r.sdiag_family = (uint8_t)(addr->family == 4 ? AF_INET : AF_INET6);
  req.r.sdiag_protocol = IPPROTO_TCP;
  req.r.idiag_states = ~0u;
  req.r.id.idiag_sport = htons((uint16_t)port);
  memcpy(req.r.id.idiag_src, addr->bytes, addr->family == 4 ? 4 : 16);
  req.r.id.idiag_if = addr->scope_id;
  req.r.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
  req.r.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
  if (send(c->fd, &req, sizeof(req), 0) < 0) return -1;
  do n = recv(c->fd, buf, sizeof(buf), 0);
  while (n < 0 && errno == EINTR);
  if (n <= 0) return -1;
  return bw_diag_lookup_answer(buf, (size_t)n);
}

void bw__listener_check_close(void* check) {
  listener_check* c = check;
  if (c == NULL) return;
  if (c->fd >= 0) close(c->fd);
  free(c);
}

/* The fallback where sock_diag is missing (kernels without inet_diag):
 * one /proc/net table. Slower, since reading it walks every hash bucket of
 * the connection table. A missing table (no IPv6) has nothing to add. */
static bool scan_proc(const char* path, int family, bw_proto proto, int port,
                      const bw_addr* filters, size_t nfilter, candidates* out, bw_error* err) {
  char *text, *line, *end;
  size_t len;
  if (!bw_read_file_alloc(path, &text, &len, err)) {
    if (err->kind == BW_ERR_POSIX && err->num == ENOENT) {
      bw_error_clear(err);
      return true;
    }
    return false;
  }
  /* The header line does not parse as a socket. */
  for (line = text; line < text + len; line = end + 1) {
    bw_net_sock s;
    end = memchr(line, '\n', (size_t)(text + len - line));
    if (end == NULL) end = text + len;
    if (bw_procnet_parse_line(line, (size_t)(end - line), family, &s) && s.port == port)
      add_candidate(out, proto, &s, filters, nfilter);
  }
  free(text);
  return true;
}

/* --- the owning process, from /proc/<pid>/fd ----------------------------- */

static int cmp_desc(const void* a, const void* b) {
  long x = *(const long*)a, y = *(const long*)b;
  return x < y ? 1 : x > y ? -1 : 0;
}

/* pid_max is at most 2^22: this lifts the pids up to the last one handed
 * out above all others, so that a descending sort puts the newest first
 * even after pids wrapped around. */
#define PID_LIFT (1L << 24)

static long last_pid(void) {
  char buf[32];
  size_t len;
  bw_error ignored;
  if (!bw_read_file("/proc/sys/kernel/ns_last_pid", buf, sizeof(buf), &len, &ignored)) return 0;
  return strtol(buf, NULL, 10);
}

/* The candidate (of rank best) that pid holds, or NULL. */
static const candidate* held_by(int proc_fd, long pid, const candidates* cs, int best) {
  char path[32], link[64];
  const candidate* hit = NULL;
  struct dirent* de;
  DIR* dir;
  int fd;
  snprintf(path, sizeof(path), "%ld/fd", pid);
  fd = openat(proc_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return NULL; /* gone, or not ours to inspect */
  dir = fdopendir(fd);
  if (dir == NULL) {
    close(fd);
    return NULL;
  }
  while (hit == NULL && (de = readdir(dir)) != NULL) {
    ssize_t n;
    unsigned long long inode;
    size_t i;
    if (de->d_name[0] == '.') continue;
    n = readlinkat(dirfd(dir), de->d_name, link, sizeof(link) - 1);
    if (n < 9 || memcmp(link, "socket:[", 8) != 0) continue;
    link[n] = '\0';
    inode = strtoull(link + 8, NULL, 10);
    for (i = 0; i < cs->n; i++)
      if (cs->list[i].rank == best && cs->list[i].inode == inode) hit = &cs->list[i];
  }
  closedir(dir);
  return hit;
}

static bool uid_matches(const candidates* cs, int best, unsigned uid) {
  size_t i;
  for (i = 0; i < cs->n; i++)
    if (cs->list[i].rank == best && cs->list[i].uid == uid) return true;
  return false;
}

#define MAX_FAMILY 128

/* Appends the children of pid (of every thread when all_threads, else of
 * its main thread) listed in /proc/<pid>/task/<tid>/children. */
static void add_children(long pid, bool all_threads, long* out, size_t* n) {
  char path[64], *buf;
  size_t len;
  bw_error ignored;
  DIR* dir = NULL;
  struct dirent* de;
  long tid = pid;
  if (all_threads) {
    snprintf(path, sizeof(path), "/proc/%ld/task", pid);
    if ((dir = opendir(path)) == NULL) return;
  }
  for (;;) {
    if (dir != NULL) {
      if ((de = readdir(dir)) == NULL) break;
      if (de->d_name[0] < '1' || de->d_name[0] > '9') continue;
      tid = strtol(de->d_name, NULL, 10);
    }
    snprintf(path, sizeof(path), "/proc/%ld/task/%ld/children", pid, tid);
    /* Read whole: a cut list would end in a partial PID. */
    if (bw_read_file_alloc(path, &buf, &len, &ignored)) {
      const char* p = buf;
      int64_t child;
      while (*n < MAX_FAMILY && bw_procfs_next_pid(&p, buf + len, &child))
        out[(*n)++] = (long)child;
      free(buf);
    }
    if (dir == NULL) break;
  }
  if (dir != NULL) closedir(dir);
}

static bool in_list(const long* list, size_t n, long pid) {
  size_t i;
  for (i = 0; i < n; i++)
    if (list[i] == pid) return true;
  return false;
}

/* Cheapest candidates first. The caller's own descendants, breadth first:
 * the backend an app asks about is usually one it started. Then the
 * caller. Then processes of the socket's uid (the only ones an unprivileged
 * caller can inspect, and nearly always the owner), newest first (by pid,
 * allowing for wrap-around), since a stale backend is younger than the
 * system's daemons; then everything else, which only root can read. */
static bool find_process(const candidates* cs, int best, int64_t* pid_out,
                         const candidate** hit_out, bw_error* err) {
  long family[MAX_FAMILY + 1];
  long *pids = NULL, *more, last;
  size_t n = 0, cap = 0, nfamily = 0, i;
  int pass;
  struct dirent* de;
  int proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR* dir = NULL;
  bool ok = false;
  if (proc_fd < 0) {
    bw_error_from_os(err, "open");
    return false;
  }
  add_children((long)getpid(), true, family, &nfamily);
  for (i = 0; i < nfamily; i++) add_children(family[i], false, family, &nfamily);
  family[nfamily++] = (long)getpid();
  for (i = 0; i < nfamily; i++) {
    const candidate* hit = held_by(proc_fd, family[i], cs, best);
    if (hit != NULL) {
      *pid_out = family[i];
      *hit_out = hit;
      ok = true;
      goto cleanup;
    }
  }

  dir = opendir("/proc");
  if (dir == NULL) {
    bw_error_from_os(err, "opendir");
    goto cleanup;
  }
  last = last_pid();
  while ((de = readdir(dir)) != NULL) {
    if (de->d_name[0] < '1' || de->d_name[0] > '9') continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 512;
      more = realloc(pids, cap * sizeof(*pids));
      if (more == NULL) {
        bw_error_set(err, BW_ERR_POSIX, ENOMEM, "realloc");
        goto cleanup;
      }
      pids = more;
    }
    pids[n] = strtol(de->d_name, NULL, 10);
    if (in_list(family, nfamily, pids[n])) continue;
    if (pids[n] <= last) pids[n] += PID_LIFT;
    n++;
  }
  qsort(pids, n, sizeof(*pids), cmp_desc);
  for (i = 0; i < n; i++)
    if (pids[i] > PID_LIFT) pids[i] -= PID_LIFT;
  for (pass = 0; pass < 2; pass++) {
    for (i = 0; i < n; i++) {
      struct stat st;
      char name[24];
      const candidate* hit;
      if (pids[i] == 0) continue; /* done in the first pass */
      snprintf(name, sizeof(name), "%ld", pids[i]);
      if (pass == 0 && (fstatat(proc_fd, name, &st, 0) != 0 || !uid_matches(cs, best, st.st_uid)))
        continue;
      hit = held_by(proc_fd, pids[i], cs, best);
      if (hit != NULL) {
        *pid_out = pids[i];
        *hit_out = hit;
        ok = true;
        goto cleanup;
      }
      pids[i] = 0;
    }
  }
  ok = true; /* searched everything we may: the owner stays unknown */

cleanup:
  if (dir != NULL) closedir(dir);
  close(proc_fd);
  free(pids);
  return ok;
}

bool bw_port_owner_find(int port, bw_proto proto, const bw_addr* filters, size_t nfilter,
                        bw_port_owner* out, bw_error* err) {
  candidates* cs = calloc(1, sizeof(*cs));
  const char* v4 = proto == BW_PROTO_TCP ? "/proc/net/tcp" : "/proc/net/udp";
  const char* v6 = proto == BW_PROTO_TCP ? "/proc/net/tcp6" : "/proc/net/udp6";
  const candidate* hit = NULL;
  int best = 3;
  size_t i;
  bool ok = false;

  memset(out, 0, sizeof(*out));
  out->pid = -1;
  if (cs == NULL) {
    bw_error_set(err, BW_ERR_POSIX, ENOMEM, "calloc");
    return false;
  }
  if (!scan_diag(proto, port, filters, nfilter, cs) &&
      (!scan_proc(v4, 4, proto, port, filters, nfilter, cs, err) ||
       !scan_proc(v6, 6, proto, port, filters, nfilter, cs, err)))
    goto cleanup;
  for (i = 0; i < cs->n; i++)
    if (cs->list[i].rank < best) best = cs->list[i].rank;
  ok = true;
  if (cs->n == 0) goto cleanup;
  for (i = 0; i < cs->n && hit == NULL; i++)
    if (cs->list[i].rank == best) hit = &cs->list[i];
  /* TIME_WAIT leftovers (inode 0) belong to no process. */
  if (hit->inode != 0) {
    const candidate* owned = NULL;
    int64_t pid = -1;
    if (!find_process(cs, best, &pid, &owned, err)) {
      ok = false;
      goto cleanup;
    }
    if (owned != NULL) {
      bw_proc_info info;
      bw_error ignored;
      hit = owned;
      out->pid = pid;
      if (bw_proc_info_get(pid, &info, &ignored)) memcpy(out->name, info.name, sizeof(out->name));
    }
  }
  out->found = true;
  out->address = hit->addr;
  out->state = hit->state;

cleanup:
  free(cs);
  return ok;
}
