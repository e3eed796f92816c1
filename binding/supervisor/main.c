/* backend_warden_supervisor: a tiny process between the host (Electron main
 * or node) and the backend on Linux and macOS, where no kill-on-close kernel
 * object exists. It starts the backend in its own process group, reports
 * its PID and exit over the control socket (descriptor 3, see protocol.h),
 * and tears the whole tree down — graceful signal, wait, force — when the
 * host asks, when the host dies (control socket EOF, parent-death signal,
 * host exit watch) or when the backend's root exits on its own. On Linux it
 * is a child subreaper, so daemonized descendants come back to it. It exits
 * only when no descendant is left (waitpid reports ECHILD), with the
 * backend's status as its own. Host death is an emergency, not a stop: the
 * polite signal gets at most <host-death-grace-ms> (the host caps it below a
 * second), never the stop grace.
 *
 * usage: backend_warden_supervisor <host-pid> <grace-ms> <host-death-grace-ms>
 *        <command> [args...]
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "os/procwatch.h"
#include "supervisor/protocol.h"
#include "supervisor/supervisor.h"
#include "tree/tree.h"

#define HOST_DEATH_SIGNAL SIGUSR2

typedef struct sup {
  pid_t host;
  pid_t root;
  int64_t grace_ms;
  int64_t host_death_ms;
  bool subreaper;
  struct rlimit nofile; /* as the host gave it; restored for the backend */
  int sigpipe[2];
  int host_watch;
  bool root_reaped;
  bool root_reported;
  int root_status;
  char line[256];
  size_t line_len;
} sup;

/* The signal handler's only channel: the write end of the self-pipe. A
 * process-wide value by nature (signal handlers take no context). */
static volatile int sig_write_fd = -1;

static void on_signal(int sig) {
  int saved = errno;
  unsigned char b = (unsigned char)sig;
  if (sig_write_fd >= 0) (void)!write(sig_write_fd, &b, 1);
  errno = saved;
}

static void write_all(int fd, const char* buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      /* A long line (the closed report of a wide tree) outgrows the socket
       * buffer: wait for the host to read, but not for a host that hangs. */
      struct pollfd pfd;
      pfd.fd = fd;
      pfd.events = POLLOUT;
      if (poll(&pfd, 1, 5000) > 0) continue;
      return;
    }
    if (n <= 0) return; /* the host is gone; nothing to tell */
    buf += n;
    len -= (size_t)n;
  }
}

static void send_line(const char* buf, int n) {
  if (n > 0) write_all(BW_CTL_FD, buf, (size_t)n);
}

/* Closes every descriptor above the control socket: hosts such as Chromium
 * leak descriptors into children. close_range where the OS has it, else
 * passes over /dev/fd (1,024 at a time) until one finds nothing left. */
static void close_stray_fds(void) {
  int pass;
  if (bw__sup_close_from(BW_CTL_FD + 1)) return;
  for (pass = 0; pass < 4096; pass++) {
    DIR* dir = opendir("/dev/fd");
    struct dirent* ent;
    int dfd, fds[1024], n = 0, i;
    if (dir == NULL) return;
    dfd = dirfd(dir);
    while ((ent = readdir(dir)) != NULL && n < 1024) {
      int fd = atoi(ent->d_name);
      if (fd > BW_CTL_FD && fd != dfd) fds[n++] = fd;
    }
    closedir(dir);
    for (i = 0; i < n; i++) close(fds[i]);
    if (n == 0) return;
  }
}

static void set_cloexec_nonblock(int fd) {
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* Reaps every exited child. Returns false once no child is left (ECHILD). */
static bool reap_children(sup* s) {
  int status;
  pid_t p;
  while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
    if (p == s->root) {
      s->root_reaped = true;
      s->root_status = status;
    }
  }
  return !(p < 0 && errno == ECHILD);
}

static void reap(void* ctx) {
  (void)reap_children(ctx);
}

static void report_exit(sup* s) {
  char buf[64];
  if (!s->root_reaped || s->root_reported) return;
  s->root_reported = true;
  if (WIFSIGNALED(s->root_status))
    send_line(buf, snprintf(buf, sizeof(buf), "exit -1 %d\n", WTERMSIG(s->root_status)));
  else
    send_line(buf, snprintf(buf, sizeof(buf), "exit %d 0\n", WEXITSTATUS(s->root_status)));
}

static void write_pids(char** p, char* end, const int64_t* pids, size_t n) {
  size_t i;
  if (n == 0 && *p < end) *(*p)++ = '-';
  for (i = 0; i < n && *p < end; i++) {
    int w = snprintf(*p, (size_t)(end - *p), "%s%lld", i ? "," : "", (long long)pids[i]);
    if (w < 0 || w >= end - *p) break;
    *p += w;
  }
}

/* Appends b's killed to a's (a later force round); survivors are b's. */
static void merge_result(bw_kill_result* a, bw_kill_result* b) {
  int64_t* killed = calloc(a->killed_count + b->killed_count + 1, sizeof(int64_t));
  if (killed != NULL) {
    if (a->killed_count) memcpy(killed, a->killed, a->killed_count * sizeof(int64_t));
    if (b->killed_count)
      memcpy(killed + a->killed_count, b->killed, b->killed_count * sizeof(int64_t));
    free(a->killed);
    a->killed = killed;
    a->killed_count += b->killed_count;
  }
  free(a->survivors);
  a->survivors = b->survivors;
  a->survivor_count = b->survivor_count;
  a->forced = true;
  a->complete = a->complete && b->complete;
  b->survivors = NULL;
  bw_kill_result_free(b);
}

static bool kill_descendants(sup* s, int sig, int64_t grace_ms, bw_kill_result* r) {
  bw_kill_opts o;
  bw_error err;
  bw_kill_opts_init(&o);
  o.signal = sig;
  o.grace_ms = grace_ms;
  o.exclude_root = true;
  o.allow_self = true;
  o.subreaper = s->subreaper;
  o.on_wake = reap;
  o.ctx = s;
  bw_error_clear(&err);
  memset(r, 0, sizeof(*r));
  return bw_tree_kill((int64_t)getpid(), &o, r, &err);
}

/* Tears the whole tree down, reports, and exits with the backend's status. */
static void teardown(sup* s, int sig, int64_t grace_ms) {
  bw_kill_result r;
  char* buf;
  size_t cap;
  int i;
  if (!kill_descendants(s, sig, grace_ms, &r)) {
    /* Last resort: SIGKILL to the backend's process group. */
    kill(-s->root, SIGKILL);
  }
  /* Everything is gone or was killed: collect the zombies until no child is
   * left at all. A descendant that appears now (re-parented to us late)
   * gets a force round of its own. */
  for (i = 0; i < 400 && reap_children(s); i++) {
    struct timespec ts = {0, 5000000};
    if (i % 20 == 19) {
      bw_kill_result more;
      if (kill_descendants(s, SIGKILL, 0, &more)) merge_result(&r, &more);
    }
    nanosleep(&ts, NULL);
  }
  report_exit(s);

  cap = 64 + (r.killed_count + r.survivor_count) * 21;
  /* Blocking from here: the report must reach the host whole. */
  fcntl(BW_CTL_FD, F_SETFL, fcntl(BW_CTL_FD, F_GETFL) & ~O_NONBLOCK);
  buf = malloc(cap);
  if (buf != NULL) {
    char* p = buf;
    char* end = buf + cap - 2;
    p += snprintf(p, cap, "closed %d ", r.forced ? 1 : 0);
    write_pids(&p, end, r.killed, r.killed_count);
    *p++ = ' ';
    write_pids(&p, end, r.survivors, r.survivor_count);
    *p++ = ' ';
    *p++ = r.complete ? '1' : '0';
    *p++ = '\n';
    write_all(BW_CTL_FD, buf, (size_t)(p - buf));
    free(buf);
  }
  bw_kill_result_free(&r);

  if (s->root_reaped && WIFSIGNALED(s->root_status)) {
    /* Die the way the backend died, so the host sees the same signal. */
    int term = WTERMSIG(s->root_status);
    signal(term, SIG_DFL);
    raise(term);
  }
  exit(s->root_reaped && WIFEXITED(s->root_status) ? WEXITSTATUS(s->root_status) : 1);
}

/* Handles one control line. */
static void on_line(sup* s, const char* line) {
  int sig = 0;
  long long grace = 0;
  switch (bw_sup_parse_control(line, strlen(line), &sig, &grace)) {
    case BW_SUP_KILL:
      teardown(s, SIGKILL, 0);
      break;
    case BW_SUP_STOP:
      teardown(s, sig, grace);
      break;
    default:
      break;
  }
}

static void on_ctl_readable(sup* s) {
  char buf[256];
  ssize_t n = read(BW_CTL_FD, buf, sizeof(buf));
  ssize_t i;
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) teardown(s, SIGTERM, s->host_death_ms); /* the host died */
  for (i = 0; i < n; i++) {
    if (buf[i] == '\n') {
      s->line[s->line_len] = '\0';
      on_line(s, s->line);
      s->line_len = 0;
    } else if (s->line_len + 1 < sizeof(s->line)) {
      s->line[s->line_len++] = buf[i];
    }
  }
}

static pid_t start_backend(sup* s, char** argv) {
  int errpipe[2];
  int child_errno = 0;
  ssize_t n;
  pid_t pid;
  if (pipe(errpipe) != 0) return -1;
  fcntl(errpipe[0], F_SETFD, FD_CLOEXEC);
  fcntl(errpipe[1], F_SETFD, FD_CLOEXEC);
  pid = fork();
  if (pid == 0) {
    sigset_t none;
    int e;
    setpgid(0, 0);
    signal(SIGCHLD, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    signal(HOST_DEATH_SIGNAL, SIG_DFL);
    setrlimit(RLIMIT_NOFILE, &s->nofile);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    close(BW_CTL_FD);
    close(s->sigpipe[0]);
    close(s->sigpipe[1]);
    if (s->host_watch >= 0) close(s->host_watch);
    execvp(argv[0], argv);
    e = errno;
    (void)!write(errpipe[1], &e, sizeof(e));
    _exit(127);
  }
  close(errpipe[1]);
  if (pid < 0) {
    child_errno = errno;
    close(errpipe[0]);
    errno = child_errno;
    return -1;
  }
  setpgid(pid, pid); /* also here, so the group exists before we return */
  do n = read(errpipe[0], &child_errno, sizeof(child_errno));
  while (n < 0 && errno == EINTR);
  close(errpipe[0]);
  if (n == (ssize_t)sizeof(child_errno)) {
    waitpid(pid, NULL, 0);
    errno = child_errno;
    return -1;
  }
  return pid;
}

int main(int argc, char** argv) {
  sup s;
  struct sigaction sa;
  bw_proc_info info;
  bw_error err;
  bool host_alive;
  memset(&s, 0, sizeof(s));
  if (argc < 5) {
    fprintf(stderr, "usage: %s <host-pid> <grace-ms> <host-death-grace-ms> <command> [args...]\n",
            argv[0]);
    return 2;
  }
  if (fcntl(BW_CTL_FD, F_GETFD) < 0) {
    fprintf(stderr, "backend_warden_supervisor: descriptor 3 must be the control socket\n");
    return 2;
  }
  /* First, before this process opens anything of its own. */
  close_stray_fds();
  s.host = (pid_t)atol(argv[1]);
  s.grace_ms = atoll(argv[2]);
  if (s.grace_ms < 0) s.grace_ms = 0;
  s.host_death_ms = atoll(argv[3]);
  if (s.host_death_ms < 0) s.host_death_ms = 0;
  if (s.host_death_ms > 999) s.host_death_ms = 999;
  /* One exit watch per member: a wide tree needs more descriptors than the
   * usual soft limit of 1,024. The backend gets the host's limit back. */
  if (getrlimit(RLIMIT_NOFILE, &s.nofile) == 0) {
    struct rlimit raised = s.nofile;
    raised.rlim_cur = raised.rlim_max;
    setrlimit(RLIMIT_NOFILE, &raised);
  } else {
    s.nofile.rlim_cur = s.nofile.rlim_max = RLIM_INFINITY;
  }

  if (pipe(s.sigpipe) != 0) return 2;
  set_cloexec_nonblock(s.sigpipe[0]);
  set_cloexec_nonblock(s.sigpipe[1]);
  set_cloexec_nonblock(BW_CTL_FD);
  sig_write_fd = s.sigpipe[1];
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGCHLD, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  sigaction(HOST_DEATH_SIGNAL, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  host_alive = bw__sup_os_init(s.host, HOST_DEATH_SIGNAL, &s.subreaper);
  s.host_watch = bw_procwatch_open(s.host);
  if (s.host_watch >= 0) fcntl(s.host_watch, F_SETFD, FD_CLOEXEC);

  s.root = start_backend(&s, argv + 4);
  if (s.root < 0) {
    char buf[64];
    send_line(buf, snprintf(buf, sizeof(buf), "error %d execvp\n", errno));
    return 127;
  }
  bw_error_clear(&err);
  info.start_time = -1;
  bw_proc_info_get(s.root, &info, &err);
  {
    char buf[96];
    send_line(buf, snprintf(buf, sizeof(buf), "spawned %lld %.17g\n", (long long)s.root,
                            info.start_time));
  }
  if (!host_alive) teardown(&s, SIGTERM, s.host_death_ms);

  for (;;) {
    struct pollfd fds[3];
    nfds_t nfds = 2;
    fds[0].fd = BW_CTL_FD;
    fds[0].events = POLLIN;
    fds[1].fd = s.sigpipe[0];
    fds[1].events = POLLIN;
    if (s.host_watch >= 0) {
      fds[2].fd = s.host_watch;
      fds[2].events = POLLIN;
      nfds = 3;
    }
    if (poll(fds, nfds, -1) < 0) {
      if (errno == EINTR) continue;
      teardown(&s, SIGTERM, s.host_death_ms);
    }
    if (fds[1].revents) {
      unsigned char sigs[64];
      ssize_t n = read(s.sigpipe[0], sigs, sizeof(sigs)), i;
      for (i = 0; i < n; i++) {
        if (sigs[i] == SIGCHLD) continue;
        /* The parent-death signal: the host died. Else told to stop. */
        teardown(&s, SIGTERM, sigs[i] == HOST_DEATH_SIGNAL ? s.host_death_ms : s.grace_ms);
      }
      reap(&s);
      if (s.root_reaped) {
        report_exit(&s);
        teardown(&s, SIGTERM, s.grace_ms); /* what the root left behind */
      }
    }
    if (nfds == 3 && fds[2].revents) teardown(&s, SIGTERM, s.host_death_ms);
    if (fds[0].revents) on_ctl_readable(&s);
  }
}
