/* Ports on Linux and macOS: the bind probe and the readiness waiter's
 * thread, connect and sleep (poll on the socket and the watched process's
 * exit watch, os/procwatch.h) under the shared loop of ports_wait.c.
 * Address literals are ports_addr_posix.c's; the owner lookup and the
 * waiter's cheap listener check live in ports_linux.c and ports_darwin.c
 * (ports_posix.h). */
#define _POSIX_C_SOURCE 200809L
/* macOS hides BSD names (u_int in <net/if.h>) under a plain POSIX request. */
#define _DARWIN_C_SOURCE

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "os/procwatch.h"
#include "ports/ports.h"
#include "ports/sockaddr.h"
#include "ports/ports_posix.h"
#include "ports/ports_os.h"

/* A close-on-exec TCP socket: the waiter runs beside the JS thread, which
 * may fork a backend at any moment, and no probe may leak into it. Where
 * SOCK_CLOEXEC is missing (macOS) the flag is set right after, which leaves
 * a window that only a fork from another thread can hit. */
static int tcp_socket(int family, bool nonblocking) {
  int fd;
#if defined(SOCK_CLOEXEC) && defined(SOCK_NONBLOCK)
  fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), 0);
#else
  fd = socket(family, SOCK_STREAM, 0);
  if (fd >= 0) {
    int saved;
    if (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 ||
        (nonblocking && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0)) {
      saved = errno;
      close(fd);
      errno = saved;
      return -1;
    }
  }
#endif
  return fd;
}

/* --- bind probe ---------------------------------------------------------- */

static bw__bind_error bind_error_kind(int e) {
  switch (e) {
    case EADDRINUSE:
      return BW__BIND_ERROR_IN_USE;
    case EACCES:
    case EPERM:
      return BW__BIND_ERROR_DENIED;
    case EADDRNOTAVAIL:
    case EAFNOSUPPORT:
      return BW__BIND_ERROR_NO_ADDRESS;
    default:
      return BW__BIND_ERROR_OTHER;
  }
}

bw__socket_result bw__probe_socket(int family, bw__sock* s, bw_error* err) {
  int fd = tcp_socket(family == 4 ? AF_INET : AF_INET6, false), one = 1, zero = 0;
  if (fd < 0) {
    bool no_family = errno == EAFNOSUPPORT;
    bw_error_from_os(err, "socket");
    return no_family ? BW__SOCKET_NO_FAMILY : BW__SOCKET_FAILED;
  }
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0) {
    bw_error_from_os(err, "setsockopt");
    close(fd);
    return BW__SOCKET_FAILED;
  }
  /* Dual-stack like Node's "::": then a wildcard probe also conflicts with
   * an IPv4 holder. Irrelevant (and harmless) for specific addresses. */
  if (family == 6) (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
  *s = fd;
  return BW__SOCKET_OK;
}

bool bw__sock_bind(bw__sock s, const bw_addr* addr, int port, bw__bind_error* kind, bw_error* err) {
  struct sockaddr_storage ss;
  socklen_t len = (socklen_t)bw_to_sockaddr(addr, port, &ss);
  if (bind((int)s, (struct sockaddr*)&ss, len) == 0) return true;
  *kind = bind_error_kind(errno);
  bw_error_from_os(err, "bind");
  return false;
}

int bw__sock_port(bw__sock s, bw_error* err) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof(ss);
  if (getsockname((int)s, (struct sockaddr*)&ss, &len) == 0) return bw_sockaddr_port(&ss);
  bw_error_from_os(err, "getsockname");
  return -1;
}

void bw__sock_close(bw__sock s) {
  close((int)s);
}

/* --- readiness waiter ---------------------------------------------------- */

struct bw_port_waiter {
  bw__wait_job job;
  pthread_t thread;
  int pid_fd;  /* polls readable when req.pid exits; -1 if none */
  void* check; /* bw__listener_check state, the thread's own */
  atomic_int cancelled;
};

int64_t bw__wait_now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

bool bw__wait_process_gone(bw_port_waiter* w) {
  if (w->job.req.pid == 0) return false;
  if (w->pid_fd >= 0) {
    struct pollfd p = {w->pid_fd, POLLIN, 0};
    return poll(&p, 1, 0) > 0;
  }
  return kill((pid_t)w->job.req.pid, 0) != 0 && errno == ESRCH;
}

/* Waits up to ms for sock (if >= 0) to become writable or the watched
 * process to exit, in slices of the poll interval so that a cancel is seen
 * promptly. Returns 1 when sock is ready, 0 on timeout, -1 when the waiter
 * must stop (*status says why). */
static int wait_events(struct bw_port_waiter* w, int sock, int64_t ms, bw_wait_status* status) {
  int64_t until = bw__wait_now_us() + ms * 1000;
  for (;;) {
    struct pollfd fds[2];
    nfds_t n = 0;
    int slice, sock_i = -1, pid_i = -1, r;
    int64_t left = until - bw__wait_now_us();
    if (atomic_load(&w->cancelled)) {
      *status = BW_WAIT_CANCELLED;
      return -1;
    }
    if (left <= 0) return 0;
    slice = left > BW_WAIT_INTERVAL_MS * 1000 ? BW_WAIT_INTERVAL_MS : (int)((left + 999) / 1000);
    if (sock >= 0) {
      fds[n].fd = sock;
      fds[n].events = POLLOUT;
      sock_i = (int)n++;
    }
    if (w->pid_fd >= 0) {
      fds[n].fd = w->pid_fd;
      fds[n].events = POLLIN;
      pid_i = (int)n++;
    }
    r = poll(n ? fds : NULL, n, slice);
    if (r < 0 && errno != EINTR) return 0;
    if (r <= 0) {
      if (w->pid_fd < 0 && bw__wait_process_gone(w)) {
        *status = BW_WAIT_EXITED;
        return -1;
      }
      continue;
    }
    if (pid_i >= 0 && fds[pid_i].revents) {
      *status = BW_WAIT_EXITED;
      return -1;
    }
    if (sock_i >= 0 && fds[sock_i].revents) return 1;
  }
}

static bool soft_connect_error(int e) {
  switch (e) {
    case ECONNREFUSED:
    case ECONNRESET:
    case ECONNABORTED:
    case ETIMEDOUT:
    case ENETUNREACH:
    case EHOSTUNREACH:
    case ENETDOWN:
    case EADDRNOTAVAIL:
    case EAFNOSUPPORT:
    case EACCES: /* a firewall rejecting us now may let us through later */
    case EPERM:
      return true;
    default:
      return false;
  }
}

int bw__wait_sleep(bw_port_waiter* w, int64_t ms, bw_wait_status* status) {
  return wait_events(w, -1, ms, status) < 0 ? -1 : 0;
}

bool bw__wait_cancelled(bw_port_waiter* w) {
  return atomic_load(&w->cancelled) != 0;
}

/* One connect: the answer on loopback is immediate (a listener or a RST);
 * elsewhere it is waited for up to budget_ms. */
bw__attempt bw__wait_attempt(bw_port_waiter* w, const bw_addr* addr, int port, int64_t budget_ms,
                             bw_wait_status* status, bw_error* err) {
  struct sockaddr_storage ss;
  socklen_t len = bw_to_sockaddr(addr, port, &ss);
  int fd, e = 0, r;
  socklen_t elen = sizeof(e);
  /* Most attempts find nobody listening: ask the cheap way first and
   * connect only to confirm a listener (or where the OS cannot tell). */
  if (bw__listener_check(w->check, addr, port) == 0) return BW__ATTEMPT_NOT_YET;
  fd = tcp_socket(addr->family == 4 ? AF_INET : AF_INET6, true);
  if (fd < 0) {
    if (errno == EAFNOSUPPORT) return BW__ATTEMPT_NOT_YET;
    bw_error_from_os(err, "socket");
    *status = BW_WAIT_FAILED;
    return BW__ATTEMPT_STOP;
  }
  if (connect(fd, (struct sockaddr*)&ss, len) == 0) {
    close(fd);
    return BW__ATTEMPT_CONNECTED;
  }
  e = errno;
  if (e == EINPROGRESS || e == EINTR) {
    r = wait_events(w, fd, budget_ms, status);
    if (r < 0) {
      close(fd);
      return BW__ATTEMPT_STOP;
    }
    if (r == 0) {
      close(fd);
      return BW__ATTEMPT_NOT_YET;
    }
    e = 0;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen) != 0) e = errno;
    if (e == 0) {
      close(fd);
      return BW__ATTEMPT_CONNECTED;
    }
  }
  close(fd);
  if (soft_connect_error(e)) return BW__ATTEMPT_NOT_YET;
  bw_error_set(err, BW_ERR_POSIX, e, "connect");
  *status = BW_WAIT_FAILED;
  return BW__ATTEMPT_STOP;
}

static void* waiter_main(void* arg) {
  struct bw_port_waiter* w = arg;
  w->check = bw__listener_check_open();
  bw__wait_run(w, &w->job, "kill");
  bw__listener_check_close(w->check);
  w->check = NULL;
  return NULL;
}

/* The exit watch on the waited-for process; *fd is -1 where the OS offers
 * none (the waiter then checks with kill(pid, 0)). Fails with ESRCH when no
 * such process exists. */
static bool pid_watch_open(int64_t pid, int* fd, bw_error* err) {
  *fd = bw_procwatch_open(pid);
  if (*fd >= 0) return true;
  if (errno != ESRCH && (kill((pid_t)pid, 0) == 0 || errno != ESRCH)) return true;
  bw_error_set(err, BW_ERR_POSIX, ESRCH, "kill");
  return false;
}

bw_port_waiter* bw_port_waiter_start(const bw_wait_request* req, bw_wait_done_fn done, void* ctx,
                                     bw_error* err) {
  struct bw_port_waiter* w = calloc(1, sizeof(*w));
  pthread_attr_t attr;
  sigset_t all, old;
  int r;
  if (w == NULL) {
    bw_error_set(err, BW_ERR_POSIX, ENOMEM, "calloc");
    return NULL;
  }
  w->job = (bw__wait_job){*req, done, ctx};
  w->pid_fd = -1;
  atomic_init(&w->cancelled, 0);
  if (req->pid != 0 && !pid_watch_open(req->pid, &w->pid_fd, err)) {
    free(w);
    return NULL;
  }
  /* The thread blocks every signal (it inherits the mask it starts with):
   * process signals are the JS thread's to handle. */
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  r = pthread_create(&w->thread, &attr, waiter_main, w);
  pthread_attr_destroy(&attr);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (r != 0) {
    bw_error_set(err, BW_ERR_POSIX, r, "pthread_create");
    bw_procwatch_close(w->pid_fd);
    free(w);
    return NULL;
  }
  return w;
}

void bw_port_waiter_cancel(bw_port_waiter* w) {
  atomic_store(&w->cancelled, 1);
}

void bw_port_waiter_join(bw_port_waiter* w) {
  bw_port_waiter_cancel(w);
  pthread_join(w->thread, NULL);
  bw_procwatch_close(w->pid_fd);
  free(w);
}
