/* Ports on Linux and macOS: the bind probe and the readiness waiter (a
 * thread that connects every few milliseconds and sleeps on the watched
 * process's exit watch, os/procwatch.h, in between). Address literals are
 * ports_addr_posix.c's; the owner lookup and the waiter's cheap listener
 * check live in ports_linux.c and ports_darwin.c (ports_posix.h). */
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

static bw_bind_error bind_error_kind(int e) {
  switch (e) {
    case EADDRINUSE:
      return BW_BIND_ERROR_IN_USE;
    case EACCES:
    case EPERM:
      return BW_BIND_ERROR_DENIED;
    case EADDRNOTAVAIL:
    case EAFNOSUPPORT:
      return BW_BIND_ERROR_NO_ADDRESS;
    default:
      return BW_BIND_ERROR_OTHER;
  }
}

bool bw_port_probe(const bw_addr* addr, int port, bool optional, bw_probe_result* result,
                   int* bound_port, bw_error* err) {
  struct sockaddr_storage ss;
  socklen_t len = bw_to_sockaddr(addr, port, &ss);
  int fd, one = 1, zero = 0, e;

  *bound_port = 0;
  fd = tcp_socket(addr->family == 4 ? AF_INET : AF_INET6, false);
  if (fd < 0) {
    if (optional && errno == EAFNOSUPPORT) {
      *result = BW_PROBE_UNAVAILABLE;
      return true;
    }
    bw_error_from_os(err, "socket");
    return false;
  }
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0) {
    bw_error_from_os(err, "setsockopt");
    close(fd);
    return false;
  }
  /* Dual-stack like Node's "::": then a wildcard probe also conflicts with
   * an IPv4 holder. Irrelevant (and harmless) for specific addresses. */
  if (addr->family == 6) (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));

  if (bind(fd, (struct sockaddr*)&ss, len) != 0) {
    e = errno;
    close(fd);
    if (bw_probe_answer(bind_error_kind(e), optional, result)) return true;
    bw_error_set(err, BW_ERR_POSIX, e, "bind");
    return false;
  }
  if (port == 0) {
    len = sizeof(ss);
    if (getsockname(fd, (struct sockaddr*)&ss, &len) != 0) {
      bw_error_from_os(err, "getsockname");
      close(fd);
      return false;
    }
    port = bw_sockaddr_port(&ss);
  }
  close(fd);
  *bound_port = port;
  *result = BW_PROBE_FREE;
  return true;
}

/* --- readiness waiter ---------------------------------------------------- */

struct bw_port_waiter {
  bw_wait_request req;
  bw_wait_done_fn done;
  void* ctx;
  pthread_t thread;
  int pid_fd;  /* polls readable when req.pid exits; -1 if none */
  void* check; /* bw__listener_check state, the thread's own */
  atomic_int cancelled;
};

typedef enum attempt_result { ATTEMPT_CONNECTED, ATTEMPT_NOT_YET, ATTEMPT_STOP } attempt_result;

/* Microseconds: whole milliseconds would wake the thread twice per sleep
 * whenever truncation leaves "1 ms to go". */
static int64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Whether the watched process is gone, without waiting. */
static bool process_gone(struct bw_port_waiter* w) {
  if (w->req.pid == 0) return false;
  if (w->pid_fd >= 0) {
    struct pollfd p = {w->pid_fd, POLLIN, 0};
    return poll(&p, 1, 0) > 0;
  }
  return kill((pid_t)w->req.pid, 0) != 0 && errno == ESRCH;
}

/* Waits up to ms for sock (if >= 0) to become writable or the watched
 * process to exit, in slices of the poll interval so that a cancel is seen
 * promptly. Returns 1 when sock is ready, 0 on timeout, -1 when the waiter
 * must stop (*status says why). */
static int wait_events(struct bw_port_waiter* w, int sock, int64_t ms, bw_wait_status* status) {
  int64_t until = now_us() + ms * 1000;
  for (;;) {
    struct pollfd fds[2];
    nfds_t n = 0;
    int slice, sock_i = -1, pid_i = -1, r;
    int64_t left = until - now_us();
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
      if (w->pid_fd < 0 && process_gone(w)) {
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

/* One connect to addr: the answer on loopback is immediate (a listener or a
 * RST); elsewhere it is waited for until deadline. */
static attempt_result attempt(struct bw_port_waiter* w, const bw_addr* addr, int64_t deadline,
                              bw_wait_status* status, bw_error* err) {
  struct sockaddr_storage ss;
  socklen_t len = bw_to_sockaddr(addr, w->req.port, &ss);
  int fd, e = 0, r;
  socklen_t elen = sizeof(e);
  /* Most attempts find nobody listening: ask the cheap way first and
   * connect only to confirm a listener (or where the OS cannot tell). */
  if (bw__listener_check(w->check, addr, w->req.port) == 0) return ATTEMPT_NOT_YET;
  fd = tcp_socket(addr->family == 4 ? AF_INET : AF_INET6, true);
  if (fd < 0) {
    if (errno == EAFNOSUPPORT) return ATTEMPT_NOT_YET;
    bw_error_from_os(err, "socket");
    *status = BW_WAIT_FAILED;
    return ATTEMPT_STOP;
  }
  if (connect(fd, (struct sockaddr*)&ss, len) == 0) {
    close(fd);
    return ATTEMPT_CONNECTED;
  }
  e = errno;
  if (e == EINPROGRESS || e == EINTR) {
    int64_t left = deadline < 0 ? 1000 : (deadline - now_us() + 999) / 1000;
    if (left > 1000) left = 1000; /* retry a silently dropped SYN */
    r = wait_events(w, fd, left, status);
    if (r < 0) {
      close(fd);
      return ATTEMPT_STOP;
    }
    if (r == 0) {
      close(fd);
      return ATTEMPT_NOT_YET;
    }
    e = 0;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen) != 0) e = errno;
    if (e == 0) {
      close(fd);
      return ATTEMPT_CONNECTED;
    }
  }
  close(fd);
  if (soft_connect_error(e)) return ATTEMPT_NOT_YET;
  bw_error_set(err, BW_ERR_POSIX, e, "connect");
  *status = BW_WAIT_FAILED;
  return ATTEMPT_STOP;
}

static void* waiter_main(void* arg) {
  struct bw_port_waiter* w = arg;
  int64_t deadline = w->req.timeout_ms < 0 ? -1 : now_us() + w->req.timeout_ms * 1000;
  bw_wait_status status = BW_WAIT_FAILED;
  const bw_addr* connected = NULL;
  bw_error err;
  bw_error_clear(&err);
  w->check = bw__listener_check_open();

  for (;;) {
    size_t i;
    int64_t left;
    for (i = 0; i < w->req.naddrs && connected == NULL; i++) {
      attempt_result r = attempt(w, &w->req.addrs[i], deadline, &status, &err);
      if (r == ATTEMPT_STOP) goto done;
      if (r == ATTEMPT_CONNECTED) connected = &w->req.addrs[i];
    }
    /* A listener seen after the process died is someone else's. */
    if (process_gone(w)) {
      status = BW_WAIT_EXITED;
      goto done;
    }
    if (connected != NULL) {
      status = BW_WAIT_CONNECTED;
      goto done;
    }
    left = deadline < 0 ? BW_WAIT_INTERVAL_MS : (deadline - now_us() + 999) / 1000;
    if (left <= 0) {
      status = BW_WAIT_TIMED_OUT;
      goto done;
    }
    if (wait_events(w, -1, left < BW_WAIT_INTERVAL_MS ? left : BW_WAIT_INTERVAL_MS, &status) < 0)
      goto done;
  }

done:
  bw__listener_check_close(w->check);
  w->check = NULL;
  if (status == BW_WAIT_EXITED) bw_error_set(&err, BW_ERR_POSIX, ESRCH, "kill");
  if (status == BW_WAIT_TIMED_OUT) bw_error_set(&err, BW_ERR_POSIX, ETIMEDOUT, "connect");
  if (atomic_load(&w->cancelled)) status = BW_WAIT_CANCELLED;
  w->done(w->ctx, status, status == BW_WAIT_CONNECTED ? connected : NULL, &err);
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
  w->req = *req;
  w->done = done;
  w->ctx = ctx;
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
